; CLASS: correct
; EXPECT: proved
; WHY: shl_lshr_mask holds at i32

define i32 @src(i32 %x) {
  %a = shl i32 %x, 16
  %r = lshr i32 %a, 16
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = and i32 %x, 65535
  ret i32 %r
}
