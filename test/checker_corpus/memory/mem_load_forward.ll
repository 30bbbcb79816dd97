; CLASS: correct
; EXPECT: proved
; WHY: store-to-load forwarding
define i32 @src(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  %v = load i32, ptr %p, align 4
  ret i32 %v
}
define i32 @tgt(ptr noundef %p, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  ret i32 %x
}
