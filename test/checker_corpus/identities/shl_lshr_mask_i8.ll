; CLASS: correct
; EXPECT: proved
; WHY: shl_lshr_mask holds at i8

define i8 @src(i8 %x) {
  %a = shl i8 %x, 4
  %r = lshr i8 %a, 4
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = and i8 %x, 15
  ret i8 %r
}
