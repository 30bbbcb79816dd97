; CLASS: correct
; EXPECT: proved
; WHY: calls - a load forwarded across a call that cannot write memory
declare i32 @peek(ptr) memory(read) nounwind willreturn
define i32 @src(ptr %p) {
  store i32 1, ptr %p
  %a = call i32 @peek(ptr %p)
  %v = load i32, ptr %p
  %r = add i32 %v, %a
  ret i32 %r
}
define i32 @tgt(ptr %p) {
  store i32 1, ptr %p
  %a = call i32 @peek(ptr %p)
  %r = add i32 %a, 1
  ret i32 %r
}
