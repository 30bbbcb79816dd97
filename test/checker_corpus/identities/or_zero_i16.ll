; CLASS: correct
; EXPECT: proved
; WHY: or_zero holds at i16

define i16 @src(i16 %x) {
  %r = or i16 %x, 0
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 %x
}
