; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated mul3 at i16

define i16 @src(i16 noundef %x) {
  %r = mul i16 %x, 3
  ret i16 %r
}

define i16 @tgt(i16 noundef %x) {
  %a = shl i16 %x, 1
  %r = add i16 %a, 1
  ret i16 %r
}
