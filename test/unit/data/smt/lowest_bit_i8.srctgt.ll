; x & -x == x & (~x + 1)
define i8 @src(i8 %x) {
  %n = sub i8 0, %x
  %r = and i8 %x, %n
  ret i8 %r
}
define i8 @tgt(i8 %x) {
  %nx = xor i8 %x, -1
  %n = add i8 %nx, 1
  %r = and i8 %n, %x
  ret i8 %r
}
