; CLASS: correct
; EXPECT: proved
; WHY: and_or_xor holds at i32

define i32 @src(i32 %x, i32 %y) {
  %a = and i32 %x, %y
  %b = xor i32 %x, %y
  %r = or i32 %a, %b
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  %r = or i32 %x, %y
  ret i32 %r
}
