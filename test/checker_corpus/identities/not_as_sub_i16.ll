; CLASS: correct
; EXPECT: proved
; WHY: not_as_sub holds at i16

define i16 @src(i16 %x) {
  %r = xor i16 %x, -1
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = sub i16 -1, %x
  ret i16 %r
}
