; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated add_flags_dropped at i64

define i64 @src(i64 %x, i64 %y) {
  %r = add nsw nuw i64 %x, %y
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %r = add nuw nsw i64 %y, %x
  %z = udiv i64 %r, %y
  ret i64 %z
}
