; CLASS: correct
; EXPECT: proved
; WHY: sdiv_exact holds at i64

define i64 @src(i64 %x) {
  %r = sdiv exact i64 %x, 4
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = ashr exact i64 %x, 2
  ret i64 %r
}
