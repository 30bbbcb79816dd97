; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: calls - a load forwarded across a call that may write the memory
declare void @sink(ptr)
define i32 @src(ptr %p) {
  store i32 1, ptr %p
  call void @sink(ptr %p)
  %v = load i32, ptr %p
  ret i32 %v
}
define i32 @tgt(ptr %p) {
  store i32 1, ptr %p
  call void @sink(ptr %p)
  ret i32 1
}
