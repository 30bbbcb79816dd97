; select (x > y), x, y == smax(x, y)
define i4 @src(i4 %x, i4 %y) {
  %c = icmp sgt i4 %x, %y
  %r = select i1 %c, i4 %x, i4 %y
  ret i4 %r
}
define i4 @tgt(i4 %x, i4 %y) {
  %r = call i4 @llvm.smax.i4(i4 %x, i4 %y)
  ret i4 %r
}
declare i4 @llvm.smax.i4(i4, i4)
