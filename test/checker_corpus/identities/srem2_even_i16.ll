; CLASS: correct
; EXPECT: proved
; WHY: srem2_even holds at i16

define i1 @src(i16 %x) {
  %a = srem i16 %x, 2
  %r = icmp eq i16 %a, 0
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  %a = and i16 %x, 1
  %r = icmp eq i16 %a, 0
  ret i1 %r
}
