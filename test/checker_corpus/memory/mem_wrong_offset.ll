; CLASS: memory-mismatch
; EXPECT: not-proved
; WHY: memory family wrong_offset
define void @src(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret void
}
define void @tgt(ptr noundef %p, i32 noundef %x) {
  %q = getelementptr i8, ptr %p, i64 4
  store i32 %x, ptr %q, align 4
  ret void
}
