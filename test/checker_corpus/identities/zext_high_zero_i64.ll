; CLASS: correct
; EXPECT: proved
; WHY: zext_high_zero holds at i64

define i128 @src(i64 %x) {
  %a = zext i64 %x to i128
  %r = lshr i128 %a, 64
  ret i128 %r
}

define i128 @tgt(i64 %x) {
  ret i128 0
}
