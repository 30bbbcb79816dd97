; CLASS: correct
; EXPECT: proved
; WHY: sdiv_exact holds at i8

define i8 @src(i8 %x) {
  %r = sdiv exact i8 %x, 4
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = ashr exact i8 %x, 2
  ret i8 %r
}
