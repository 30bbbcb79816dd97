; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated xor_twice at i64

define i64 @src(i64 %x, i64 %y) {
  %a = xor i64 %x, %y
  %r = xor i64 %a, %y
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %r = xor i64 %x, %y
  ret i64 %r
}
