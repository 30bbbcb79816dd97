; CLASS: correct
; EXPECT: proved
; WHY: div_by_zero_src_ub holds at i16

define i16 @src(i16 %x) {
  %r = udiv i16 %x, 0
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 7
}
