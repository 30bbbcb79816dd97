; CLASS: correct
; EXPECT: proved
; WHY: udiv_pow2 holds at i8

define i8 @src(i8 %x) {
  %r = udiv i8 %x, 16
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = lshr i8 %x, 4
  ret i8 %r
}
