; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated ult8_ule7 at i32

define i1 @src(i32 %x) {
  %r = icmp ult i32 %x, 8
  ret i1 %r
}

define i1 @tgt(i32 %x) {
  %r = icmp ule i32 %x, 8
  ret i1 %r
}
