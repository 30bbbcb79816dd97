; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated add_flags_dropped at i16

define i16 @src(i16 %x, i16 %y) {
  %r = add nsw nuw i16 %x, %y
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %r = add nuw nsw i16 %y, %x
  %z = udiv i16 %r, %y
  ret i16 %z
}
