; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: globals - a call may change a global the function reads afterwards
@g = global i32 0, align 4
declare void @f()
define i32 @src() {
  store i32 1, ptr @g, align 4
  call void @f()
  %v = load i32, ptr @g, align 4
  ret i32 %v
}
define i32 @tgt() {
  store i32 1, ptr @g, align 4
  call void @f()
  ret i32 1
}
