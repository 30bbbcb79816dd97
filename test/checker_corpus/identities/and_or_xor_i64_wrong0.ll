; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated and_or_xor at i64

define i64 @src(i64 %x, i64 %y) {
  %a = and i64 %x, %y
  %b = xor i64 %x, %y
  %r = or i64 %a, %b
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %r = xor i64 %x, %y
  ret i64 %r
}
