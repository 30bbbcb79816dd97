; CLASS: correct
; EXPECT: proved
; WHY: neg_neg holds at i16

define i16 @src(i16 %x) {
  %a = sub i16 0, %x
  %r = sub i16 0, %a
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 %x
}
