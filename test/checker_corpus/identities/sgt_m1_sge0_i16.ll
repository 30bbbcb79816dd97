; CLASS: correct
; EXPECT: proved
; WHY: sgt_m1_sge0 holds at i16

define i1 @src(i16 %x) {
  %r = icmp sgt i16 %x, -1
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  %r = icmp sge i16 %x, 0
  ret i1 %r
}
