; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated inc_sgt_wraps at i8

define i1 @src(i8 %x) {
  %a = add i8 %x, 1
  %r = icmp sgt i8 %a, %x
  ret i1 %r
}

define i1 @tgt(i8 %x) {
  ret i1 true
}
