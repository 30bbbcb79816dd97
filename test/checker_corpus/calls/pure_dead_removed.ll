; CLASS: correct
; EXPECT: proved
; WHY: calls - an unused call of a pure, always-returning function may be removed
declare i32 @pure(i32) memory(none) willreturn nounwind
define i32 @src(i32 %x) {
  %a = call i32 @pure(i32 %x)
  ret i32 %x
}
define i32 @tgt(i32 %x) {
  ret i32 %x
}
