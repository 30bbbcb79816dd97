; CLASS: correct
; EXPECT: proved
; WHY: srem2_even holds at i32

define i1 @src(i32 %x) {
  %a = srem i32 %x, 2
  %r = icmp eq i32 %a, 0
  ret i1 %r
}

define i1 @tgt(i32 %x) {
  %a = and i32 %x, 1
  %r = icmp eq i32 %a, 0
  ret i1 %r
}
