; (x << 1) | (x >> 3) == fshl(x, x, 1)
define i4 @src(i4 %x) {
  %a = shl i4 %x, 1
  %b = lshr i4 %x, 3
  %r = or i4 %a, %b
  ret i4 %r
}
define i4 @tgt(i4 %x) {
  %r = call i4 @llvm.fshl.i4(i4 %x, i4 %x, i4 1)
  ret i4 %r
}
declare i4 @llvm.fshl.i4(i4, i4, i4)
