; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated or_zero at i8

define i8 @src(i8 %x) {
  %r = or i8 %x, 0
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = or i8 %x, 1
  ret i8 %r
}
