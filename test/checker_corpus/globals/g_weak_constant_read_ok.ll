; CLASS: correct
; EXPECT: proved
; WHY: globals - a weak constant read twice gives the same value
@g = weak constant i32 5, align 4
define i32 @src() {
  %a = load i32, ptr @g, align 4
  %b = load i32, ptr @g, align 4
  %r = sub i32 %a, %b
  ret i32 %r
}
define i32 @tgt() {
  ret i32 0
}
