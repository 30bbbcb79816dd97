; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated add_flags_dropped at i32

define i32 @src(i32 %x, i32 %y) {
  %r = add nsw nuw i32 %x, %y
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  %r = add nuw nsw i32 %y, %x
  %z = udiv i32 %r, %y
  ret i32 %z
}
