; CLASS: correct
; EXPECT: proved
; WHY: umin_clamp holds at i64

define i64 @src(i64 %x) {
  %c = icmp ult i64 %x, 100
  %r = select i1 %c, i64 %x, i64 100
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = call i64 @llvm.umin.i64(i64 %x, i64 100)
  ret i64 %r
}

declare i64 @llvm.umin.i64(i64, i64)
