; CLASS: correct
; EXPECT: proved
; WHY: disjoint_or holds at i64

define i64 @src(i64 %x, i64 %y) {
  %a = and i64 %x, -16
  %b = and i64 %y, 15
  %r = or i64 %a, %b
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %a = and i64 %x, -16
  %b = and i64 %y, 15
  %r = or disjoint i64 %a, %b
  ret i64 %r
}
