; CLASS: correct
; EXPECT: proved
; WHY: or_minus_and holds at i16

define i16 @src(i16 %x, i16 %y) {
  %a = or i16 %x, %y
  %b = and i16 %x, %y
  %r = sub i16 %a, %b
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %r = xor i16 %x, %y
  ret i16 %r
}
