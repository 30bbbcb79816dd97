; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: calls - the target calls a function the source never calls
declare void @log(i32)
define i32 @src(i32 %x) {
  ret i32 %x
}
define i32 @tgt(i32 %x) {
  call void @log(i32 %x)
  ret i32 %x
}
