; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated neg_neg at i64

define i64 @src(i64 %x) {
  %a = sub i64 0, %x
  %r = sub i64 0, %a
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = sub i64 0, %x
  ret i64 %r
}
