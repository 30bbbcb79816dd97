; CLASS: correct
; EXPECT: proved
; WHY: wide integers - (x ^ y) ^ y at i512
define i512 @src(i512 %x, i512 %y) {
  %a = xor i512 %x, %y
  %r = xor i512 %a, %y
  ret i512 %r
}
define i512 @tgt(i512 %x, i512 %y) {
  ret i512 %x
}
