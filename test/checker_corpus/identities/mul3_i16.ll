; CLASS: correct
; EXPECT: proved
; WHY: mul3 holds at i16

define i16 @src(i16 noundef %x) {
  %r = mul i16 %x, 3
  ret i16 %r
}

define i16 @tgt(i16 noundef %x) {
  %a = shl i16 %x, 1
  %r = add i16 %a, %x
  ret i16 %r
}
