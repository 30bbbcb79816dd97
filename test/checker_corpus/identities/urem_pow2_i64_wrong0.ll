; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated urem_pow2 at i64

define i64 @src(i64 %x) {
  %r = urem i64 %x, 8
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = and i64 %x, 15
  ret i64 %r
}
