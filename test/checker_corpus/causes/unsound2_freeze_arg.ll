; CLASS: more-undef
; EXPECT: not-proved
; WHY: cause 2 - dropping freeze of a possibly-undef argument
define i32 @src(i32 %x) {
  %f = freeze i32 %x
  ret i32 %f
}
define i32 @tgt(i32 %x) {
  ret i32 %x
}
