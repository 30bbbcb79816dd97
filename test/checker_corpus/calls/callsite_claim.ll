; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: calls - the target claims memory(none) at the call site of a function that may write
declare void @writer(ptr)
define void @src(ptr %p) {
  call void @writer(ptr %p)
  ret void
}
define void @tgt(ptr %p) {
  call void @writer(ptr %p) #0
  ret void
}
attributes #0 = { memory(none) }
