; CLASS: correct
; EXPECT: proved
; WHY: select_umax holds at i32

define i32 @src(i32 %x, i32 %y) {
  %c = icmp ugt i32 %x, %y
  %r = select i1 %c, i32 %x, i32 %y
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  %r = call i32 @llvm.umax.i32(i32 %x, i32 %y)
  ret i32 %r
}

declare i32 @llvm.umax.i32(i32, i32)
