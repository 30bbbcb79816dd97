; CLASS: correct
; EXPECT: proved
; WHY: freeze_undef_const holds at i16

define i16 @src(i16 %x) {
  %r = freeze i16 undef
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 0
}
