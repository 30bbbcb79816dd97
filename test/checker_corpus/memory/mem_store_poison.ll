; CLASS: memory-mismatch
; EXPECT: refuted
; WHY: memory family store_poison
define void @src(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret void
}
define void @tgt(ptr noundef %p, i32 noundef %x) {
  %y = add nsw i32 %x, 0
  %z = add nuw i32 %y, 1
  %w = sub i32 %z, 1
  store i32 %w, ptr %p, align 4
  ret void
}
