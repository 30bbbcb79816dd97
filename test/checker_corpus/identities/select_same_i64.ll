; CLASS: correct
; EXPECT: proved
; WHY: select_same holds at i64

define i64 @src(i1 %c, i64 %x) {
  %r = select i1 %c, i64 %x, i64 %x
  ret i64 %r
}

define i64 @tgt(i1 %c, i64 %x) {
  ret i64 %x
}
