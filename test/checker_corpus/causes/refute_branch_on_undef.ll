; CLASS: correct
; EXPECT: proved
; WHY: false refutation cause - branching on undef is UB, so any target refines the source
define i32 @src() {
  br i1 undef, label %a, label %b
a:
  ret i32 1
b:
  ret i32 2
}
define i32 @tgt() {
  ret i32 3
}
