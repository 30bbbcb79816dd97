; CLASS: correct
; EXPECT: proved
; WHY: sub_self holds at i64

define i64 @src(i64 %x) {
  %r = sub i64 %x, %x
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 0
}
