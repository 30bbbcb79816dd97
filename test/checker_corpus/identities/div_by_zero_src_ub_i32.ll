; CLASS: correct
; EXPECT: proved
; WHY: div_by_zero_src_ub holds at i32

define i32 @src(i32 %x) {
  %r = udiv i32 %x, 0
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 7
}
