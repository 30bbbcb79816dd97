; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: a target that branches on undef is UB where the source is defined
define i32 @src() {
  ret i32 1
}
define i32 @tgt() {
  br i1 undef, label %a, label %b
a:
  ret i32 1
b:
  ret i32 1
}
