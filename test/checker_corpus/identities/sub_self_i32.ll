; CLASS: correct
; EXPECT: proved
; WHY: sub_self holds at i32

define i32 @src(i32 %x) {
  %r = sub i32 %x, %x
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 0
}
