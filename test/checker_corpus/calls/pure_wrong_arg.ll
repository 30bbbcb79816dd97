; CLASS: value-mismatch
; EXPECT: refuted
; WHY: calls - a pure function called with another argument may return something else
declare i32 @pure(i32) memory(none) willreturn nounwind
define i32 @src(i32 %x) {
  %a = call i32 @pure(i32 %x)
  ret i32 %a
}
define i32 @tgt(i32 %x) {
  %y = add i32 %x, 1
  %a = call i32 @pure(i32 %y)
  ret i32 %a
}
