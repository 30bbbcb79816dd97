; CLASS: correct
; EXPECT: correct
; WHY: stores through noalias pointers may be reordered
define void @src(ptr noalias noundef %p, ptr noalias noundef %q, i32 noundef %x) {
  store i32 %x, ptr %p, align 4
  store i32 1, ptr %q, align 4
  ret void
}
define void @tgt(ptr noalias noundef %p, ptr noalias noundef %q, i32 noundef %x) {
  store i32 1, ptr %q, align 4
  store i32 %x, ptr %p, align 4
  ret void
}
