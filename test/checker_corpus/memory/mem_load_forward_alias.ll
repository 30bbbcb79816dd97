; CLASS: value-mismatch
; EXPECT: refuted
; WHY: forwarding across a store through a pointer that may alias
define i32 @src(ptr noundef %p, ptr noundef %q, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  store i32 0, ptr %q, align 4
  %v = load i32, ptr %p, align 4
  ret i32 %v
}
define i32 @tgt(ptr noundef %p, ptr noundef %q, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  store i32 0, ptr %q, align 4
  ret i32 %x
}
