; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated add_flags_dropped at i8

define i8 @src(i8 %x, i8 %y) {
  %r = add nsw nuw i8 %x, %y
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %r = add nuw nsw i8 %y, %x
  %z = udiv i8 %r, %y
  ret i8 %z
}
