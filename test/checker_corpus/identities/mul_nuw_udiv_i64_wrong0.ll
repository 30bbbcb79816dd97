; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated mul_nuw_udiv at i64

define i64 @src(i64 %x) {
  %a = mul nuw i64 %x, 8
  %r = udiv i64 %a, 8
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = lshr i64 %x, 3
  ret i64 %r
}
