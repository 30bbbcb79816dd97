; CLASS: correct
; EXPECT: correct
; WHY: a function is never refuted against itself, even one that returns undef from a noundef function
define noundef i32 @src(i32 noundef %x) {
  %r = add i32 %x, undef
  ret i32 %r
}
define noundef i32 @tgt(i32 noundef %x) {
  %r = add i32 %x, undef
  ret i32 %r
}
