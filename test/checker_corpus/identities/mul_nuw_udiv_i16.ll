; CLASS: correct
; EXPECT: proved
; WHY: mul_nuw_udiv holds at i16

define i16 @src(i16 %x) {
  %a = mul nuw i16 %x, 8
  %r = udiv i16 %a, 8
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 %x
}
