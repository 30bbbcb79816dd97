; CLASS: correct
; EXPECT: proved
; WHY: target_div_ub holds at i64

define i64 @src(i64 %x, i64 %y) {
  %r = and i64 %x, %y
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %r = and i64 %x, %y
  ret i64 %r
}
