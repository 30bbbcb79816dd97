; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated sub1_addm1 at i32

define i32 @src(i32 %x) {
  %r = sub i32 %x, 1
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = add nsw i32 %x, -1
  ret i32 %r
}
