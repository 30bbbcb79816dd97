; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated target_div_ub at i8

define i8 @src(i8 %x, i8 %y) {
  %r = and i8 %x, %y
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %d = udiv i8 %x, %y
  %r = and i8 %x, %y
  ret i8 %r
}
