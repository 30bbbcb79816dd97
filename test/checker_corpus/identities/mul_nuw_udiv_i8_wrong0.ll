; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated mul_nuw_udiv at i8

define i8 @src(i8 %x) {
  %a = mul nuw i8 %x, 8
  %r = udiv i8 %a, 8
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = lshr i8 %x, 3
  ret i8 %r
}
