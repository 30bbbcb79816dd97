; CLASS: correct
; EXPECT: proved
; WHY: cause 5 - an internal constant holds its initializer
@g = internal constant i32 5
define i32 @src() {
  %v = load i32, ptr @g
  ret i32 %v
}
define i32 @tgt() {
  ret i32 5
}
