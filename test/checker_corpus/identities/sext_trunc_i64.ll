; CLASS: correct
; EXPECT: proved
; WHY: sext_trunc holds at i64

define i64 @src(i64 %x) {
  %a = sext i64 %x to i128
  %r = trunc i128 %a to i64
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 %x
}
