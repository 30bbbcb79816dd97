; x u< y ? 0 : x - y == usub.sat(x, y)
define i4 @src(i4 %x, i4 %y) {
  %c = icmp ult i4 %x, %y
  %d = sub i4 %x, %y
  %r = select i1 %c, i4 0, i4 %d
  ret i4 %r
}
define i4 @tgt(i4 %x, i4 %y) {
  %r = call i4 @llvm.usub.sat.i4(i4 %x, i4 %y)
  ret i4 %r
}
declare i4 @llvm.usub.sat.i4(i4, i4)
