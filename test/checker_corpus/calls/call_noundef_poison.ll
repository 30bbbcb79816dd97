; CLASS: src-more-defined
; EXPECT: refuted
; WHY: calls - passing a value that may be poison to a noundef parameter is UB in the target
declare void @use(i32 noundef)
define void @src(i32 noundef %x) {
  call void @use(i32 %x)
  ret void
}
define void @tgt(i32 noundef %x) {
  %y = add nsw i32 %x, 1
  %z = add i32 %y, -1
  call void @use(i32 %z)
  ret void
}
