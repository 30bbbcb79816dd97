; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: globals - a load of a global moved before a call that may write it
@g = global i32 0, align 4
declare void @f()
define i32 @src() {
  call void @f()
  %v = load i32, ptr @g, align 4
  ret i32 %v
}
define i32 @tgt() {
  %v = load i32, ptr @g, align 4
  call void @f()
  ret i32 %v
}
