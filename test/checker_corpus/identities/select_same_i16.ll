; CLASS: correct
; EXPECT: proved
; WHY: select_same holds at i16

define i16 @src(i1 %c, i16 %x) {
  %r = select i1 %c, i16 %x, i16 %x
  ret i16 %r
}

define i16 @tgt(i1 %c, i16 %x) {
  ret i16 %x
}
