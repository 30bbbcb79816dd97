; trunc (zext x) == x; sext then ashr keeps the sign
define i4 @src(i4 %x) {
  %w = sext i4 %x to i8
  %s = ashr i8 %w, 2
  %r = trunc i8 %s to i4
  ret i4 %r
}
define i4 @tgt(i4 %x) {
  %r = ashr i4 %x, 2
  ret i4 %r
}
