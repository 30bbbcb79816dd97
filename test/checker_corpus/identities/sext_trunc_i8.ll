; CLASS: correct
; EXPECT: proved
; WHY: sext_trunc holds at i8

define i8 @src(i8 %x) {
  %a = sext i8 %x to i16
  %r = trunc i16 %a to i8
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 %x
}
