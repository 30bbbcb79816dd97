; CLASS: correct
; EXPECT: proved
; WHY: wide integers - (x ^ y) ^ y at i256
define i256 @src(i256 %x, i256 %y) {
  %a = xor i256 %x, %y
  %r = xor i256 %a, %y
  ret i256 %r
}
define i256 @tgt(i256 %x, i256 %y) {
  ret i256 %x
}
