; CLASS: value-mismatch
; EXPECT: refuted
; WHY: globals - a mutable global need not hold its initializer when the function runs
@g = global i32 7, align 4
define i32 @src() {
  %v = load i32, ptr @g, align 4
  ret i32 %v
}
define i32 @tgt() {
  ret i32 7
}
