; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated add_self at i64

define i64 @src(i64 %x) {
  %r = add i64 %x, %x
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = shl nsw i64 %x, 1
  ret i64 %r
}
