; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated zext_high_zero at i64

define i128 @src(i64 %x) {
  %a = zext i64 %x to i128
  %r = lshr i128 %a, 64
  ret i128 %r
}

define i128 @tgt(i64 %x) {
  %a = sext i64 %x to i128
  %r = lshr i128 %a, 64
  ret i128 %r
}
