; CLASS: correct
; EXPECT: proved
; WHY: sgt_m1_sge0 holds at i8

define i1 @src(i8 %x) {
  %r = icmp sgt i8 %x, -1
  ret i1 %r
}

define i1 @tgt(i8 %x) {
  %r = icmp sge i8 %x, 0
  ret i1 %r
}
