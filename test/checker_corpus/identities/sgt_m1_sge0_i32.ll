; CLASS: correct
; EXPECT: proved
; WHY: sgt_m1_sge0 holds at i32

define i1 @src(i32 %x) {
  %r = icmp sgt i32 %x, -1
  ret i1 %r
}

define i1 @tgt(i32 %x) {
  %r = icmp sge i32 %x, 0
  ret i1 %r
}
