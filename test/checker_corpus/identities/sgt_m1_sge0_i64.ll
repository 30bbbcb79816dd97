; CLASS: correct
; EXPECT: proved
; WHY: sgt_m1_sge0 holds at i64

define i1 @src(i64 %x) {
  %r = icmp sgt i64 %x, -1
  ret i1 %r
}

define i1 @tgt(i64 %x) {
  %r = icmp sge i64 %x, 0
  ret i1 %r
}
