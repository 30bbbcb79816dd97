; CLASS: correct
; EXPECT: proved
; WHY: urem_pow2 holds at i16

define i16 @src(i16 %x) {
  %r = urem i16 %x, 8
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = and i16 %x, 7
  ret i16 %r
}
