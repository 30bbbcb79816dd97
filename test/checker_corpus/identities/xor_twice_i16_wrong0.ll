; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated xor_twice at i16

define i16 @src(i16 %x, i16 %y) {
  %a = xor i16 %x, %y
  %r = xor i16 %a, %y
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %r = xor i16 %x, %y
  ret i16 %r
}
