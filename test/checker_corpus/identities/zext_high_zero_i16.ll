; CLASS: correct
; EXPECT: proved
; WHY: zext_high_zero holds at i16

define i32 @src(i16 %x) {
  %a = zext i16 %x to i32
  %r = lshr i32 %a, 16
  ret i32 %r
}

define i32 @tgt(i16 %x) {
  ret i32 0
}
