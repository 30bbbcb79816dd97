; CLASS: correct
; EXPECT: proved
; WHY: cause 2 - a frozen undef may be any one value
define i32 @src() {
  %f = freeze i32 undef
  ret i32 %f
}
define i32 @tgt() {
  ret i32 42
}
