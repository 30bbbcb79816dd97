; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: calls - UB after a call that may not return does not excuse skipping the call
declare void @maybe_exit(i32)
define i32 @src(i32 %x) {
  call void @maybe_exit(i32 %x)
  %r = udiv i32 %x, 0
  ret i32 %r
}
define i32 @tgt(i32 %x) {
  ret i32 0
}
