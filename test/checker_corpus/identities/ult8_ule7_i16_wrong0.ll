; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated ult8_ule7 at i16

define i1 @src(i16 %x) {
  %r = icmp ult i16 %x, 8
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  %r = icmp ule i16 %x, 8
  ret i1 %r
}
