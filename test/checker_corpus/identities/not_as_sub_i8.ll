; CLASS: correct
; EXPECT: proved
; WHY: not_as_sub holds at i8

define i8 @src(i8 %x) {
  %r = xor i8 %x, -1
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = sub i8 -1, %x
  ret i8 %r
}
