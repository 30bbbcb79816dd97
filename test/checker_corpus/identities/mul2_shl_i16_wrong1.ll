; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated mul2_shl at i16

define i16 @src(i16 %x) {
  %r = mul i16 %x, 2
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = shl nuw i16 %x, 1
  ret i16 %r
}
