; CLASS: correct
; EXPECT: proved
; WHY: and_self holds at i64

define i64 @src(i64 %x) {
  %r = and i64 %x, %x
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 %x
}
