; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated srem2_even at i8

define i1 @src(i8 %x) {
  %a = srem i8 %x, 2
  %r = icmp eq i8 %a, 0
  ret i1 %r
}

define i1 @tgt(i8 %x) {
  %a = and i8 %x, 1
  %r = icmp eq i8 %a, 1
  ret i1 %r
}
