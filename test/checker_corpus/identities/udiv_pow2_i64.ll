; CLASS: correct
; EXPECT: proved
; WHY: udiv_pow2 holds at i64

define i64 @src(i64 %x) {
  %r = udiv i64 %x, 16
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = lshr i64 %x, 4
  ret i64 %r
}
