; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated umin_clamp at i32

define i32 @src(i32 %x) {
  %c = icmp ult i32 %x, 100
  %r = select i1 %c, i32 %x, i32 100
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = call i32 @llvm.umin.i32(i32 %x, i32 99)
  ret i32 %r
}

declare i32 @llvm.umin.i32(i32, i32)
