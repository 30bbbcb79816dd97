; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated not_as_sub at i64

define i64 @src(i64 %x) {
  %r = xor i64 %x, -1
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = sub i64 0, %x
  ret i64 %r
}
