; CLASS: correct
; EXPECT: proved
; WHY: urem_pow2 holds at i32

define i32 @src(i32 %x) {
  %r = urem i32 %x, 8
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = and i32 %x, 7
  ret i32 %r
}
