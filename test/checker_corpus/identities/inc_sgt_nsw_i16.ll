; CLASS: correct
; EXPECT: proved
; WHY: inc_sgt_nsw holds at i16

define i1 @src(i16 %x) {
  %a = add nsw i16 %x, 1
  %r = icmp sgt i16 %a, %x
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  ret i1 true
}
