; CLASS: correct
; EXPECT: proved
; WHY: select_undef_arm holds at i64

define i64 @src(i1 %c, i64 noundef %x) {
  %r = select i1 %c, i64 %x, i64 undef
  ret i64 %r
}

define i64 @tgt(i1 %c, i64 noundef %x) {
  ret i64 %x
}
