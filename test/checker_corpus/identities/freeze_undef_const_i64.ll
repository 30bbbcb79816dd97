; CLASS: correct
; EXPECT: proved
; WHY: freeze_undef_const holds at i64

define i64 @src(i64 %x) {
  %r = freeze i64 undef
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 0
}
