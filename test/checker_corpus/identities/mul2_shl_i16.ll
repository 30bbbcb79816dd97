; CLASS: correct
; EXPECT: proved
; WHY: mul2_shl holds at i16

define i16 @src(i16 %x) {
  %r = mul i16 %x, 2
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = shl i16 %x, 1
  ret i16 %r
}
