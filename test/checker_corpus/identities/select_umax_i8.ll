; CLASS: correct
; EXPECT: proved
; WHY: select_umax holds at i8

define i8 @src(i8 %x, i8 %y) {
  %c = icmp ugt i8 %x, %y
  %r = select i1 %c, i8 %x, i8 %y
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  %r = call i8 @llvm.umax.i8(i8 %x, i8 %y)
  ret i8 %r
}

declare i8 @llvm.umax.i8(i8, i8)
