; CLASS: correct
; EXPECT: proved
; WHY: srem2_even holds at i64

define i1 @src(i64 %x) {
  %a = srem i64 %x, 2
  %r = icmp eq i64 %a, 0
  ret i1 %r
}

define i1 @tgt(i64 %x) {
  %a = and i64 %x, 1
  %r = icmp eq i64 %a, 0
  ret i1 %r
}
