; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated select_same at i16

define i16 @src(i1 %c, i16 %x) {
  %r = select i1 %c, i16 %x, i16 %x
  ret i16 %r
}

define i16 @tgt(i1 %c, i16 %x) {
  %r = select i1 %c, i16 %x, i16 0
  ret i16 %r
}
