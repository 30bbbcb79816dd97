; CLASS: memory-mismatch
; EXPECT: refuted
; WHY: memory family narrow_store
define void @src(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret void
}
define void @tgt(ptr noundef %p, i32 noundef %x) {
  %t = trunc i32 %x to i16
  store i16 %t, ptr %p, align 4
  ret void
}
