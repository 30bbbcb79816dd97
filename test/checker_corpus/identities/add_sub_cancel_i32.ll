; CLASS: correct
; EXPECT: proved
; WHY: add_sub_cancel holds at i32

define i32 @src(i32 %x, i32 %y) {
  %a = add i32 %x, %y
  %r = sub i32 %a, %y
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  ret i32 %x
}
