; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated or_zero at i64

define i64 @src(i64 %x) {
  %r = or i64 %x, 0
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = or i64 %x, 1
  ret i64 %r
}
