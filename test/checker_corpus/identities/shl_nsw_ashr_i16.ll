; CLASS: correct
; EXPECT: proved
; WHY: shl_nsw_ashr holds at i16

define i16 @src(i16 %x) {
  %a = shl nsw i16 %x, 1
  %r = ashr i16 %a, 1
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 %x
}
