; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated urem_pow2 at i8

define i8 @src(i8 %x) {
  %r = urem i8 %x, 8
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = and i8 %x, 15
  ret i8 %r
}
