; CLASS: correct
; EXPECT: proved
; WHY: disjoint_or holds at i16

define i16 @src(i16 %x, i16 %y) {
  %a = and i16 %x, -16
  %b = and i16 %y, 15
  %r = or i16 %a, %b
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %a = and i16 %x, -16
  %b = and i16 %y, 15
  %r = or disjoint i16 %a, %b
  ret i16 %r
}
