; CLASS: correct
; EXPECT: proved
; WHY: low_bit_clear holds at i8

define i1 @src(i8 %x) {
  %a = and i8 %x, 1
  %r = icmp eq i8 %a, 0
  ret i1 %r
}

define i1 @tgt(i8 %x) {
  %b = trunc i8 %x to i1
  %r = xor i1 %b, true
  ret i1 %r
}
