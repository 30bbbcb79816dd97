; CLASS: correct
; EXPECT: proved
; WHY: sdiv_exact holds at i16

define i16 @src(i16 %x) {
  %r = sdiv exact i16 %x, 4
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = ashr exact i16 %x, 2
  ret i16 %r
}
