; CLASS: correct
; EXPECT: proved
; WHY: sdiv_exact holds at i32

define i32 @src(i32 %x) {
  %r = sdiv exact i32 %x, 4
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = ashr exact i32 %x, 2
  ret i32 %r
}
