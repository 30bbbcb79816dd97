; CLASS: correct
; EXPECT: proved
; WHY: neg_neg holds at i64

define i64 @src(i64 %x) {
  %a = sub i64 0, %x
  %r = sub i64 0, %a
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 %x
}
