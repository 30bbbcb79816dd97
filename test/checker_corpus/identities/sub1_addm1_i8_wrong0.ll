; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated sub1_addm1 at i8

define i8 @src(i8 %x) {
  %r = sub i8 %x, 1
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = add nsw i8 %x, -1
  ret i8 %r
}
