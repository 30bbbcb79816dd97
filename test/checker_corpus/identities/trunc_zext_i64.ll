; CLASS: correct
; EXPECT: proved
; WHY: trunc_zext holds at i64

define i64 @src(i64 %x) {
  %a = zext i64 %x to i128
  %r = trunc i128 %a to i64
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 %x
}
