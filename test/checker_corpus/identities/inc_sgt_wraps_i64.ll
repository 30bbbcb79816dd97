; CLASS: correct
; EXPECT: proved
; WHY: inc_sgt_wraps holds at i64

define i1 @src(i64 %x) {
  %a = add i64 %x, 1
  %r = icmp sgt i64 %a, %x
  ret i1 %r
}

define i1 @tgt(i64 %x) {
  %r = icmp ne i64 %x, 9223372036854775807
  ret i1 %r
}
