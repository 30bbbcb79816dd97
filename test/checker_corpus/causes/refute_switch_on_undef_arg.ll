; CLASS: correct
; EXPECT: correct
; WHY: false refutation cause - switch on an undef argument is UB
define i8 @src(i8 %x) {
  switch i8 %x, label %d [ i8 0, label %a ]
a:
  ret i8 1
d:
  ret i8 2
}
define i8 @tgt(i8 %x) {
  %c = icmp eq i8 %x, 0
  %r = select i1 %c, i8 1, i8 2
  ret i8 %r
}
