; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated mul2_shl at i32

define i32 @src(i32 %x) {
  %r = mul i32 %x, 2
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = shl nuw i32 %x, 1
  ret i32 %r
}
