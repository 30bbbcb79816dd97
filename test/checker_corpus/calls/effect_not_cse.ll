; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: calls - two calls to a function with effects are not one
declare i32 @effect(i32)
define i32 @src(i32 %x) {
  %a = call i32 @effect(i32 %x)
  %b = call i32 @effect(i32 %x)
  %r = add i32 %a, %b
  ret i32 %r
}
define i32 @tgt(i32 %x) {
  %a = call i32 @effect(i32 %x)
  %r = shl i32 %a, 1
  ret i32 %r
}
