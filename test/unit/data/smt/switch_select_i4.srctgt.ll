; switch returning 1/2/0 == select chain
define i4 @src(i4 %x) {
entry:
  switch i4 %x, label %other [
    i4 0, label %zero
    i4 1, label %one
  ]
zero:
  br label %exit
one:
  br label %exit
other:
  br label %exit
exit:
  %r = phi i4 [ 1, %zero ], [ 2, %one ], [ 0, %other ]
  ret i4 %r
}
define i4 @tgt(i4 %x) {
  %is0 = icmp eq i4 %x, 0
  %is1 = icmp eq i4 %x, 1
  %a = select i1 %is1, i4 2, i4 0
  %r = select i1 %is0, i4 1, i4 %a
  ret i4 %r
}
