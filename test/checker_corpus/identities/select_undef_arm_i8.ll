; CLASS: correct
; EXPECT: proved
; WHY: select_undef_arm holds at i8

define i8 @src(i1 %c, i8 noundef %x) {
  %r = select i1 %c, i8 %x, i8 undef
  ret i8 %r
}

define i8 @tgt(i1 %c, i8 noundef %x) {
  ret i8 %x
}
