; CLASS: correct
; EXPECT: proved
; WHY: or_zero holds at i8

define i8 @src(i8 %x) {
  %r = or i8 %x, 0
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 %x
}
