; CLASS: correct
; EXPECT: proved
; WHY: calls - the same calls with simplified arguments and result arithmetic
declare i32 @effect(i32)
declare void @sink(ptr, i32)
define i32 @src(ptr %p, i32 %x) {
  %m = mul i32 %x, 2
  %a = call i32 @effect(i32 %m)
  call void @sink(ptr %p, i32 %a)
  %v = load i32, ptr %p
  %r = sub i32 %v, 0
  ret i32 %r
}
define i32 @tgt(ptr %p, i32 %x) {
  %m = shl i32 %x, 1
  %a = call i32 @effect(i32 %m)
  call void @sink(ptr %p, i32 %a)
  %v = load i32, ptr %p
  ret i32 %v
}
