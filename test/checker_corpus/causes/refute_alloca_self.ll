; CLASS: correct
; EXPECT: proved
; WHY: false refutation cause - a function with an alloca whose address escapes, against itself
define void @src(ptr noundef %q) {
  %a = alloca i32, align 4
  store i32 1, ptr %a, align 4
  store ptr %a, ptr %q, align 8
  ret void
}
define void @tgt(ptr noundef %q) {
  %a = alloca i32, align 4
  store i32 1, ptr %a, align 4
  store ptr %a, ptr %q, align 8
  ret void
}
