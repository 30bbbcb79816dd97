; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated ult8_ule7 at i8

define i1 @src(i8 %x) {
  %r = icmp ult i8 %x, 8
  ret i1 %r
}

define i1 @tgt(i8 %x) {
  %r = icmp ule i8 %x, 8
  ret i1 %r
}
