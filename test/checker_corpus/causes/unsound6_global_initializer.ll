; CLASS: memory-mismatch
; EXPECT: not-proved
; WHY: cause 6 - the target module changes a table the rest of the program reads
@tbl = constant [2 x i32] [i32 1, i32 2]
define i32 @src(i32 %x) {
  ret i32 %x
}
; ---- target module ----
@tbl = constant [2 x i32] [i32 1, i32 3]
define i32 @tgt(i32 %x) {
  ret i32 %x
}
