; CLASS: correct
; EXPECT: proved
; WHY: umin_clamp holds at i16

define i16 @src(i16 %x) {
  %c = icmp ult i16 %x, 100
  %r = select i1 %c, i16 %x, i16 100
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = call i16 @llvm.umin.i16(i16 %x, i16 100)
  ret i16 %r
}

declare i16 @llvm.umin.i16(i16, i16)
