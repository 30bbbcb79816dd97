; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated udiv_pow2 at i16

define i16 @src(i16 %x) {
  %r = udiv i16 %x, 16
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = ashr i16 %x, 4
  ret i16 %r
}
