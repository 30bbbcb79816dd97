; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: calls - the target module declares the callee pure and drops the call
declare i32 @f(i32)
define i32 @src(i32 %x) {
  %a = call i32 @f(i32 %x)
  ret i32 %x
}
; ---- target module ----
declare i32 @f(i32) memory(none) willreturn nounwind
define i32 @tgt(i32 %x) {
  %a = call i32 @f(i32 %x)
  ret i32 %x
}
