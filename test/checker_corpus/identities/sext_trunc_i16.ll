; CLASS: correct
; EXPECT: proved
; WHY: sext_trunc holds at i16

define i16 @src(i16 %x) {
  %a = sext i16 %x to i32
  %r = trunc i32 %a to i16
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 %x
}
