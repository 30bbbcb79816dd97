; CLASS: src-more-defined
; EXPECT: refuted
; WHY: mutated target_div_ub at i32

define i32 @src(i32 %x, i32 %y) {
  %r = and i32 %x, %y
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  %d = udiv i32 %x, %y
  %r = and i32 %x, %y
  ret i32 %r
}
