; CLASS: correct
; EXPECT: proved
; WHY: indirect calls - the same call through a function pointer, simplified arithmetic
define i32 @src(ptr %fp, i32 %x) {
  %a = mul i32 %x, 2
  %r = call i32 %fp(i32 %a)
  %s = add i32 %r, 0
  ret i32 %s
}
define i32 @tgt(ptr %fp, i32 %x) {
  %a = shl i32 %x, 1
  %r = call i32 %fp(i32 %a)
  ret i32 %r
}
