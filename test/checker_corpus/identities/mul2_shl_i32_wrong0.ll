; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated mul2_shl at i32

define i32 @src(i32 %x) {
  %r = mul i32 %x, 2
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = shl i32 %x, 2
  ret i32 %r
}
