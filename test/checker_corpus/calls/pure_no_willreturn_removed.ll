; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: calls - a readnone call that may loop forever cannot be removed (no willreturn)
declare i32 @spin(i32) memory(none) nounwind
define i32 @src(i32 %x) {
  %a = call i32 @spin(i32 %x)
  ret i32 %x
}
define i32 @tgt(i32 %x) {
  ret i32 %x
}
