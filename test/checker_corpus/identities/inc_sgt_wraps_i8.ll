; CLASS: correct
; EXPECT: proved
; WHY: inc_sgt_wraps holds at i8

define i1 @src(i8 %x) {
  %a = add i8 %x, 1
  %r = icmp sgt i8 %a, %x
  ret i1 %r
}

define i1 @tgt(i8 %x) {
  %r = icmp ne i8 %x, 127
  ret i1 %r
}
