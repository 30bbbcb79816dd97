; CLASS: correct
; EXPECT: proved
; WHY: shl_nsw_ashr holds at i8

define i8 @src(i8 %x) {
  %a = shl nsw i8 %x, 1
  %r = ashr i8 %a, 1
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 %x
}
