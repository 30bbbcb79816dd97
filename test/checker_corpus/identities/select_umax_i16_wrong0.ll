; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated select_umax at i16

define i16 @src(i16 %x, i16 %y) {
  %c = icmp ugt i16 %x, %y
  %r = select i1 %c, i16 %x, i16 %y
  ret i16 %r
}

define i16 @tgt(i16 %x, i16 %y) {
  %r = call i16 @llvm.smax.i16(i16 %x, i16 %y)
  ret i16 %r
}

declare i16 @llvm.smax.i16(i16, i16)
