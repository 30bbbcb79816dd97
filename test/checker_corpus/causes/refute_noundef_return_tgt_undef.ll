; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: a noundef target returning undef is UB
define noundef i32 @src(i32 noundef %x) {
  ret i32 %x
}
define noundef i32 @tgt(i32 noundef %x) {
  %r = add i32 %x, undef
  ret i32 %r
}
