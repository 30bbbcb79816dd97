; CLASS: correct
; EXPECT: proved
; WHY: ult8_ule7 holds at i16

define i1 @src(i16 %x) {
  %r = icmp ult i16 %x, 8
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  %r = icmp ule i16 %x, 7
  ret i1 %r
}
