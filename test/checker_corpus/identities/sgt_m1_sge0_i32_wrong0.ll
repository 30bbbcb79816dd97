; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sgt_m1_sge0 at i32

define i1 @src(i32 %x) {
  %r = icmp sgt i32 %x, -1
  ret i1 %r
}

define i1 @tgt(i32 %x) {
  %r = icmp sgt i32 %x, 0
  ret i1 %r
}
