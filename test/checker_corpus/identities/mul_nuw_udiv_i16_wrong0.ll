; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated mul_nuw_udiv at i16

define i16 @src(i16 %x) {
  %a = mul nuw i16 %x, 8
  %r = udiv i16 %a, 8
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = lshr i16 %x, 3
  ret i16 %r
}
