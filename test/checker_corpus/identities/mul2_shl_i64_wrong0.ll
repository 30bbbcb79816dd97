; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated mul2_shl at i64

define i64 @src(i64 %x) {
  %r = mul i64 %x, 2
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = shl i64 %x, 2
  ret i64 %r
}
