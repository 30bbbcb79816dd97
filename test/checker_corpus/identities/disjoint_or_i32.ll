; CLASS: correct
; EXPECT: proved
; WHY: disjoint_or holds at i32

define i32 @src(i32 %x, i32 %y) {
  %a = and i32 %x, -16
  %b = and i32 %y, 15
  %r = or i32 %a, %b
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  %a = and i32 %x, -16
  %b = and i32 %y, 15
  %r = or disjoint i32 %a, %b
  ret i32 %r
}
