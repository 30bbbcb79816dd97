; CLASS: correct
; EXPECT: proved
; WHY: add_flags_dropped holds at i8

define i8 @src(i8 %x, i8 %y) {
  %r = add nsw nuw i8 %x, %y
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %r = add i8 %x, %y
  ret i8 %r
}
