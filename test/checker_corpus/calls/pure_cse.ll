; CLASS: correct
; EXPECT: proved
; WHY: calls - two calls of a pure function with the same argument merge into one
declare i32 @pure(i32) memory(none) willreturn nounwind
define i32 @src(i32 %x) {
  %a = call i32 @pure(i32 %x)
  %b = call i32 @pure(i32 %x)
  %r = add i32 %a, %b
  ret i32 %r
}
define i32 @tgt(i32 %x) {
  %a = call i32 @pure(i32 %x)
  %r = shl i32 %a, 1
  ret i32 %r
}
