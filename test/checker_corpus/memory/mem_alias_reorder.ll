; CLASS: memory-mismatch
; EXPECT: refuted
; WHY: stores through pointers that may alias must not be reordered
define void @src(ptr noundef %p, ptr noundef %q, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  store i32 1, ptr %q, align 4
  ret void
}
define void @tgt(ptr noundef %p, ptr noundef %q, i32 noundef %x) {
  store i32 1, ptr %q, align 4
  store i32 %x, ptr %p, align 4
  ret void
}
