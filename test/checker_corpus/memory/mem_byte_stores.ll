; CLASS: correct
; EXPECT: proved
; WHY: memory family byte_stores
define void @src(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret void
}
define void @tgt(ptr noundef %p, i32 noundef %x) {
  %b0 = trunc i32 %x to i8
  store i8 %b0, ptr %p, align 4
  %s1 = lshr i32 %x, 8
  %b1 = trunc i32 %s1 to i8
  %q1 = getelementptr i8, ptr %p, i64 1
  store i8 %b1, ptr %q1, align 1
  %s2 = lshr i32 %x, 16
  %b2 = trunc i32 %s2 to i16
  %q2 = getelementptr i8, ptr %p, i64 2
  store i16 %b2, ptr %q2, align 2
  ret void
}
