; CLASS: correct
; EXPECT: proved
; WHY: freeze_undef_const holds at i8

define i8 @src(i8 %x) {
  %r = freeze i8 undef
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 0
}
