; CLASS: correct
; EXPECT: proved
; WHY: select_undef_arm holds at i16

define i16 @src(i1 %c, i16 noundef %x) {
  %r = select i1 %c, i16 %x, i16 undef
  ret i16 %r
}

define i16 @tgt(i1 %c, i16 noundef %x) {
  ret i16 %x
}
