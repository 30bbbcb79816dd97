; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated inc_sgt_wraps at i32

define i1 @src(i32 %x) {
  %a = add i32 %x, 1
  %r = icmp sgt i32 %a, %x
  ret i1 %r
}

define i1 @tgt(i32 %x) {
  ret i1 true
}
