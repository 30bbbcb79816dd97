; CLASS: correct
; EXPECT: proved
; WHY: div_by_zero_src_ub holds at i64

define i64 @src(i64 %x) {
  %r = udiv i64 %x, 0
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 7
}
