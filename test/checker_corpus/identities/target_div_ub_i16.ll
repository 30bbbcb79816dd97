; CLASS: correct
; EXPECT: proved
; WHY: target_div_ub holds at i16

define i16 @src(i16 %x, i16 %y) {
  %r = and i16 %x, %y
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %r = and i16 %x, %y
  ret i16 %r
}
