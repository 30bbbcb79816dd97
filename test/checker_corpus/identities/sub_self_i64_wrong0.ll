; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sub_self at i64

define i64 @src(i64 %x) {
  %r = sub i64 %x, %x
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 1
}
