; CLASS: correct
; EXPECT: proved
; WHY: select_abs holds at i64

define i64 @src(i64 %x) {
  %c = icmp slt i64 %x, 0
  %n = sub i64 0, %x
  %r = select i1 %c, i64 %n, i64 %x
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = call i64 @llvm.abs.i64(i64 %x, i1 false)
  ret i64 %r
}

declare i64 @llvm.abs.i64(i64, i1)
