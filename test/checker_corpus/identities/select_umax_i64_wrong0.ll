; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated select_umax at i64

define i64 @src(i64 %x, i64 %y) {
  %c = icmp ugt i64 %x, %y
  %r = select i1 %c, i64 %x, i64 %y
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  %r = call i64 @llvm.smax.i64(i64 %x, i64 %y)
  ret i64 %r
}

declare i64 @llvm.smax.i64(i64, i64)
