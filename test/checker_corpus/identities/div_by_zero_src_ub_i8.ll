; CLASS: correct
; EXPECT: proved
; WHY: div_by_zero_src_ub holds at i8

define i8 @src(i8 %x) {
  %r = udiv i8 %x, 0
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 7
}
