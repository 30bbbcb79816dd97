; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated or_minus_and at i64

define i64 @src(i64 %x, i64 %y) {
  %a = or i64 %x, %y
  %b = and i64 %x, %y
  %r = sub i64 %a, %b
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %r = or i64 %x, %y
  ret i64 %r
}
