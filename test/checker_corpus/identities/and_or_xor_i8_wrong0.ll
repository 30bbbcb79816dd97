; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated and_or_xor at i8

define i8 @src(i8 %x, i8 %y) {
  %a = and i8 %x, %y
  %b = xor i8 %x, %y
  %r = or i8 %a, %b
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %r = xor i8 %x, %y
  ret i8 %r
}
