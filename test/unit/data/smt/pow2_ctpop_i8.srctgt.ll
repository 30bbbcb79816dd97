; (x & (x - 1)) == 0  ==  ctpop(x) u< 2
define i1 @src(i8 %x) {
  %m = add i8 %x, -1
  %a = and i8 %x, %m
  %r = icmp eq i8 %a, 0
  ret i1 %r
}
define i1 @tgt(i8 %x) {
  %p = call i8 @llvm.ctpop.i8(i8 %x)
  %r = icmp ult i8 %p, 2
  ret i1 %r
}
declare i8 @llvm.ctpop.i8(i8)
