; CLASS: correct
; EXPECT: proved
; WHY: inc_sgt_nsw holds at i64

define i1 @src(i64 %x) {
  %a = add nsw i64 %x, 1
  %r = icmp sgt i64 %a, %x
  ret i1 %r
}

define i1 @tgt(i64 %x) {
  ret i1 true
}
