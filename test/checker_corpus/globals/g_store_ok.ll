; CLASS: correct
; EXPECT: proved
; WHY: globals - store then load of a global forwarded
@g = global i32 0, align 4
define i32 @src(i32 noundef %x) {
  store i32 %x, ptr @g, align 4
  %v = load i32, ptr @g, align 4
  ret i32 %v
}
define i32 @tgt(i32 noundef %x) {
  store i32 %x, ptr @g, align 4
  ret i32 %x
}
