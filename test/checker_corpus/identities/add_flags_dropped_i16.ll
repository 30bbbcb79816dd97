; CLASS: correct
; EXPECT: proved
; WHY: add_flags_dropped holds at i16

define i16 @src(i16 %x, i16 %y) {
  %r = add nsw nuw i16 %x, %y
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %r = add i16 %x, %y
  ret i16 %r
}
