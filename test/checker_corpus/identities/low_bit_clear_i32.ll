; CLASS: correct
; EXPECT: proved
; WHY: low_bit_clear holds at i32

define i1 @src(i32 %x) {
  %a = and i32 %x, 1
  %r = icmp eq i32 %a, 0
  ret i1 %r
}

define i1 @tgt(i32 %x) {
  %b = trunc i32 %x to i1
  %r = xor i1 %b, true
  ret i1 %r
}
