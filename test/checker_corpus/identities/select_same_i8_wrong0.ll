; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated select_same at i8

define i8 @src(i1 %c, i8 %x) {
  %r = select i1 %c, i8 %x, i8 %x
  ret i8 %r
}

define i8 @tgt(i1 %c, i8 %x) {
  %r = select i1 %c, i8 %x, i8 0
  ret i8 %r
}
