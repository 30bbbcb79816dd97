; CLASS: memory-mismatch
; EXPECT: not-proved
; WHY: calls - a store moved across a call the callee may observe
declare void @sink(ptr)
define void @src(ptr %p) {
  store i32 1, ptr %p
  call void @sink(ptr %p)
  ret void
}
define void @tgt(ptr %p) {
  call void @sink(ptr %p)
  store i32 1, ptr %p
  ret void
}
