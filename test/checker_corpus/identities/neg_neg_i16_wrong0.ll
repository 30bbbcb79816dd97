; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated neg_neg at i16

define i16 @src(i16 %x) {
  %a = sub i16 0, %x
  %r = sub i16 0, %a
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = sub i16 0, %x
  ret i16 %r
}
