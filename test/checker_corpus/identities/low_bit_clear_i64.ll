; CLASS: correct
; EXPECT: proved
; WHY: low_bit_clear holds at i64

define i1 @src(i64 %x) {
  %a = and i64 %x, 1
  %r = icmp eq i64 %a, 0
  ret i1 %r
}

define i1 @tgt(i64 %x) {
  %b = trunc i64 %x to i1
  %r = xor i1 %b, true
  ret i1 %r
}
