; CLASS: correct
; EXPECT: proved
; WHY: shl_lshr_mask holds at i16

define i16 @src(i16 %x) {
  %a = shl i16 %x, 8
  %r = lshr i16 %a, 8
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = and i16 %x, 255
  ret i16 %r
}
