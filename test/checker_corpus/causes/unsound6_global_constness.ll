; CLASS: memory-mismatch
; EXPECT: not-proved
; WHY: cause 6 - the target makes a global constant and reads it as such
@g = global i32 7
define i32 @src() {
  %v = load i32, ptr @g
  ret i32 %v
}
; ---- target module ----
@g = constant i32 7
define i32 @tgt() {
  %v = load i32, ptr @g
  ret i32 %v
}
