; CLASS: correct
; EXPECT: proved
; WHY: mul_nuw_udiv holds at i32

define i32 @src(i32 %x) {
  %a = mul nuw i32 %x, 8
  %r = udiv i32 %a, 8
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 %x
}
