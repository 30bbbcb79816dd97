; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated zext_high_zero at i8

define i16 @src(i8 %x) {
  %a = zext i8 %x to i16
  %r = lshr i16 %a, 8
  ret i16 %r
}

define i16 @tgt(i8 %x) {
  %a = sext i8 %x to i16
  %r = lshr i16 %a, 8
  ret i16 %r
}
