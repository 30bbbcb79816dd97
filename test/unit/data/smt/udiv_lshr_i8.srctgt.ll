; x u/ 8 == x >> 3
define i8 @src(i8 %x) {
  %r = udiv i8 %x, 8
  ret i8 %r
}
define i8 @tgt(i8 %x) {
  %r = lshr i8 %x, 3
  ret i8 %r
}
