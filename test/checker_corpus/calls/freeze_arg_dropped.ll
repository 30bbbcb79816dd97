; CLASS: more-undef
; EXPECT: not-proved
; WHY: calls - the source passes a frozen value, the target the possibly-undef argument
declare void @use(i32)
define void @src(i32 %x) {
  %f = freeze i32 %x
  call void @use(i32 %f)
  ret void
}
define void @tgt(i32 %x) {
  call void @use(i32 %x)
  ret void
}
