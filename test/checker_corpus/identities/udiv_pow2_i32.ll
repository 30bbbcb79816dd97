; CLASS: correct
; EXPECT: proved
; WHY: udiv_pow2 holds at i32

define i32 @src(i32 %x) {
  %r = udiv i32 %x, 16
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = lshr i32 %x, 4
  ret i32 %r
}
