; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: cause 5 - a weak constant may be replaced at link time
@g = weak constant i32 5
define i32 @src() {
  %v = load i32, ptr @g
  ret i32 %v
}
define i32 @tgt() {
  ret i32 5
}
