; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: indirect calls - calling another function pointer
define i32 @src(ptr %fp, ptr %gp, i32 %x) {
  %r = call i32 %fp(i32 %x)
  ret i32 %r
}
define i32 @tgt(ptr %fp, ptr %gp, i32 %x) {
  %r = call i32 %gp(i32 %x)
  ret i32 %r
}
