; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated target_div_ub at i16

define i16 @src(i16 %x, i16 %y) {
  %r = and i16 %x, %y
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %d = udiv i16 %x, %y
  %r = and i16 %x, %y
  ret i16 %r
}
