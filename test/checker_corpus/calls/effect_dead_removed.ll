; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: calls - an unused call to a function with effects (or that may not return) must stay
declare i32 @effect(i32)
define i32 @src(i32 %x) {
  %a = call i32 @effect(i32 %x)
  ret i32 %x
}
define i32 @tgt(i32 %x) {
  ret i32 %x
}
