; CLASS: correct
; EXPECT: proved
; WHY: sub_self holds at i16

define i16 @src(i16 %x) {
  %r = sub i16 %x, %x
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 0
}
