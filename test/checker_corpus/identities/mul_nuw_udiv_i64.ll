; CLASS: correct
; EXPECT: proved
; WHY: mul_nuw_udiv holds at i64

define i64 @src(i64 %x) {
  %a = mul nuw i64 %x, 8
  %r = udiv i64 %a, 8
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 %x
}
