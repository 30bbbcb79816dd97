; CLASS: memory-mismatch
; EXPECT: refuted
; WHY: memory family wrong_value
define void @src(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret void
}
define void @tgt(ptr noundef %p, i32 noundef %x) {
  store i32 0, ptr %p, align 4
  ret void
}
