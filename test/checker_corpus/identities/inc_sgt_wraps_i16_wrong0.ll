; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated inc_sgt_wraps at i16

define i1 @src(i16 %x) {
  %a = add i16 %x, 1
  %r = icmp sgt i16 %a, %x
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  ret i1 true
}
