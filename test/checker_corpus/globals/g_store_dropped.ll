; CLASS: memory-mismatch
; EXPECT: refuted
; WHY: globals - the final contents of a global are observable
@g = global i32 0, align 4
define i32 @src(i32 %x) {
  store i32 %x, ptr @g, align 4
  ret i32 %x
}
define i32 @tgt(i32 %x) {
  ret i32 %x
}
