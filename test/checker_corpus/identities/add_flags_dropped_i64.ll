; CLASS: correct
; EXPECT: proved
; WHY: add_flags_dropped holds at i64

define i64 @src(i64 %x, i64 %y) {
  %r = add nsw nuw i64 %x, %y
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %r = add i64 %x, %y
  ret i64 %r
}
