; CLASS: correct
; EXPECT: proved
; WHY: a function is never refuted against itself (loop, memory, undef inputs)
define i32 @src(ptr %p, i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %s = phi i32 [ 0, %entry ], [ %s1, %loop ]
  %s1 = add i32 %s, %i
  %i1 = add i32 %i, 1
  %c = icmp ult i32 %i1, 4
  br i1 %c, label %loop, label %done
done:
  store i32 %s1, ptr %p, align 4
  %r = add i32 %s1, %n
  ret i32 %r
}
define i32 @tgt(ptr %p, i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %s = phi i32 [ 0, %entry ], [ %s1, %loop ]
  %s1 = add i32 %s, %i
  %i1 = add i32 %i, 1
  %c = icmp ult i32 %i1, 4
  br i1 %c, label %loop, label %done
done:
  store i32 %s1, ptr %p, align 4
  %r = add i32 %s1, %n
  ret i32 %r
}
