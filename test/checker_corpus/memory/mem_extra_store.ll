; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: memory family extra_store
define void @src(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret void
}
define void @tgt(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  %q = getelementptr i8, ptr %p, i64 4
  store i32 0, ptr %q, align 4
  ret void
}
