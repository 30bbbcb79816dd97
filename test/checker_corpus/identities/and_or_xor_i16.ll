; CLASS: correct
; EXPECT: proved
; WHY: and_or_xor holds at i16

define i16 @src(i16 %x, i16 %y) {
  %a = and i16 %x, %y
  %b = xor i16 %x, %y
  %r = or i16 %a, %b
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %r = or i16 %x, %y
  ret i16 %r
}
