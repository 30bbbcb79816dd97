; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated mul2_shl at i64

define i64 @src(i64 %x) {
  %r = mul i64 %x, 2
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = shl nuw i64 %x, 1
  ret i64 %r
}
