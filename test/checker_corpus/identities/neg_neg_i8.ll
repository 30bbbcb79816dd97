; CLASS: correct
; EXPECT: proved
; WHY: neg_neg holds at i8

define i8 @src(i8 %x) {
  %a = sub i8 0, %x
  %r = sub i8 0, %a
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 %x
}
