; CLASS: more-undef
; EXPECT: not-proved
; WHY: cause 2 - a returned undef is less defined than a frozen value
define i32 @src() {
  %f = freeze i32 undef
  ret i32 %f
}
define i32 @tgt() {
  ret i32 undef
}
