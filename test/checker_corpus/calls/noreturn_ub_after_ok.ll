; CLASS: correct
; EXPECT: proved
; WHY: calls - the call is kept; what follows it is UB in the source anyway
declare void @maybe_exit(i32)
define i32 @src(i32 %x) {
  call void @maybe_exit(i32 %x)
  %r = udiv i32 %x, 0
  ret i32 %r
}
define i32 @tgt(i32 %x) {
  call void @maybe_exit(i32 %x)
  unreachable
}
