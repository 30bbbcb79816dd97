; adding x four times in a loop == x << 2
define i8 @src(i8 %x) {
entry:
  br label %loop
loop:
  %i = phi i8 [ 0, %entry ], [ %i.next, %loop ]
  %s = phi i8 [ 0, %entry ], [ %s.next, %loop ]
  %s.next = add i8 %s, %x
  %i.next = add nuw i8 %i, 1
  %c = icmp ult i8 %i.next, 4
  br i1 %c, label %loop, label %exit
exit:
  ret i8 %s.next
}
define i8 @tgt(i8 %x) {
  %r = shl i8 %x, 2
  ret i8 %r
}
