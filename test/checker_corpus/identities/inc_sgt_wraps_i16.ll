; CLASS: correct
; EXPECT: proved
; WHY: inc_sgt_wraps holds at i16

define i1 @src(i16 %x) {
  %a = add i16 %x, 1
  %r = icmp sgt i16 %a, %x
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  %r = icmp ne i16 %x, 32767
  ret i1 %r
}
