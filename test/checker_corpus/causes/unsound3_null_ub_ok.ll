; CLASS: correct
; EXPECT: proved
; WHY: cause 3 - without the attribute a load from null is UB, so anything refines it
define i8 @src() {
  %v = load i8, ptr null
  ret i8 %v
}
define i8 @tgt() {
  ret i8 0
}
