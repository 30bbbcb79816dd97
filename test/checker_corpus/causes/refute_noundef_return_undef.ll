; CLASS: correct
; EXPECT: proved
; WHY: false refutation cause - returning undef from a noundef function is UB
define noundef i32 @src() {
  ret i32 undef
}
define noundef i32 @tgt() {
  ret i32 7
}
