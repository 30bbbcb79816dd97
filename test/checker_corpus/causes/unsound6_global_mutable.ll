; CLASS: memory-mismatch
; EXPECT: not-proved
; WHY: cause 6 - a mutable global's initial value differs between the modules
@counter = global i64 0
define i32 @src(i32 %x) {
  ret i32 %x
}
; ---- target module ----
@counter = global i64 1
define i32 @tgt(i32 %x) {
  ret i32 %x
}
