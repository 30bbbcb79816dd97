; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated not_as_sub at i16

define i16 @src(i16 %x) {
  %r = xor i16 %x, -1
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = sub i16 0, %x
  ret i16 %r
}
