; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated or_minus_and at i8

define i8 @src(i8 %x, i8 %y) {
  %a = or i8 %x, %y
  %b = and i8 %x, %y
  %r = sub i8 %a, %b
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %r = or i8 %x, %y
  ret i8 %r
}
