; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated or_zero at i16

define i16 @src(i16 %x) {
  %r = or i16 %x, 0
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = or i16 %x, 1
  ret i16 %r
}
