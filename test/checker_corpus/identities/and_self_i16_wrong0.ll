; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated and_self at i16

define i16 @src(i16 %x) {
  %r = and i16 %x, %x
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = and i16 %x, 1
  ret i16 %r
}
