; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: cause 3 - a different calling convention breaks every caller
define i32 @src(i32 %x) {
  ret i32 %x
}
define fastcc i32 @tgt(i32 %x) {
  ret i32 %x
}
