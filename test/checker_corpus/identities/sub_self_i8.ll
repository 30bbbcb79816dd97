; CLASS: correct
; EXPECT: proved
; WHY: sub_self holds at i8

define i8 @src(i8 %x) {
  %r = sub i8 %x, %x
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 0
}
