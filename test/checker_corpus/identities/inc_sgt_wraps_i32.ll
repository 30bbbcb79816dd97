; CLASS: correct
; EXPECT: proved
; WHY: inc_sgt_wraps holds at i32

define i1 @src(i32 %x) {
  %a = add i32 %x, 1
  %r = icmp sgt i32 %a, %x
  ret i1 %r
}

define i1 @tgt(i32 %x) {
  %r = icmp ne i32 %x, 2147483647
  ret i1 %r
}
