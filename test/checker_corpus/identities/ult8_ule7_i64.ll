; CLASS: correct
; EXPECT: proved
; WHY: ult8_ule7 holds at i64

define i1 @src(i64 %x) {
  %r = icmp ult i64 %x, 8
  ret i1 %r
}

define i1 @tgt(i64 %x) {
  %r = icmp ule i64 %x, 7
  ret i1 %r
}
