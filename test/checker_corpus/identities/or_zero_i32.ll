; CLASS: correct
; EXPECT: proved
; WHY: or_zero holds at i32

define i32 @src(i32 %x) {
  %r = or i32 %x, 0
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 %x
}
