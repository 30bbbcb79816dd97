; CLASS: value-mismatch
; EXPECT: refuted
; WHY: globals - a pointer argument may point into a global
@g = global i32 0, align 4
define i32 @src(ptr %p) {
  store i32 1, ptr @g, align 4
  store i32 2, ptr %p, align 4
  %v = load i32, ptr @g, align 4
  ret i32 %v
}
define i32 @tgt(ptr %p) {
  store i32 1, ptr @g, align 4
  store i32 2, ptr %p, align 4
  ret i32 1
}
