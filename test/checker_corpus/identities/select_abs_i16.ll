; CLASS: correct
; EXPECT: proved
; WHY: select_abs holds at i16

define i16 @src(i16 %x) {
  %c = icmp slt i16 %x, 0
  %n = sub i16 0, %x
  %r = select i1 %c, i16 %n, i16 %x
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = call i16 @llvm.abs.i16(i16 %x, i1 false)
  ret i16 %r
}

declare i16 @llvm.abs.i16(i16, i1)
