; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sgt_m1_sge0 at i16

define i1 @src(i16 %x) {
  %r = icmp sgt i16 %x, -1
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  %r = icmp sgt i16 %x, 0
  ret i1 %r
}
