; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated add_self at i32

define i32 @src(i32 %x) {
  %r = add i32 %x, %x
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = shl nsw i32 %x, 1
  ret i32 %r
}
