; CLASS: correct
; EXPECT: proved
; WHY: disjoint_or holds at i8

define i8 @src(i8 %x, i8 %y) {
  %a = and i8 %x, -16
  %b = and i8 %y, 15
  %r = or i8 %a, %b
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %a = and i8 %x, -16
  %b = and i8 %y, 15
  %r = or disjoint i8 %a, %b
  ret i8 %r
}
