; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated target_div_ub at i64

define i64 @src(i64 %x, i64 %y) {
  %r = and i64 %x, %y
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %d = udiv i64 %x, %y
  %r = and i64 %x, %y
  ret i64 %r
}
