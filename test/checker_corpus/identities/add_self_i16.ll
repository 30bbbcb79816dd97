; CLASS: correct
; EXPECT: proved
; WHY: add_self holds at i16

define i16 @src(i16 %x) {
  %r = add i16 %x, %x
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = shl i16 %x, 1
  ret i16 %r
}
