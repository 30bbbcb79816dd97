; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: calls - the callee gets the stack slot's address through memory and may change it
declare void @clobber(ptr)
define i32 @src(ptr noundef %p) {
  %a = alloca i32, align 4
  store i32 5, ptr %a, align 4
  store ptr %a, ptr %p, align 8
  call void @clobber(ptr %p)
  %v = load i32, ptr %a, align 4
  ret i32 %v
}
define i32 @tgt(ptr noundef %p) {
  %a = alloca i32, align 4
  store i32 5, ptr %a, align 4
  store ptr %a, ptr %p, align 8
  call void @clobber(ptr %p)
  ret i32 5
}
