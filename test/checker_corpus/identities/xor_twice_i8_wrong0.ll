; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated xor_twice at i8

define i8 @src(i8 %x, i8 %y) {
  %a = xor i8 %x, %y
  %r = xor i8 %a, %y
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %r = xor i8 %x, %y
  ret i8 %r
}
