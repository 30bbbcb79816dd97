; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated select_same at i64

define i64 @src(i1 %c, i64 %x) {
  %r = select i1 %c, i64 %x, i64 %x
  ret i64 %r
}

define i64 @tgt(i1 %c, i64 %x) {
  %r = select i1 %c, i64 %x, i64 0
  ret i64 %r
}
