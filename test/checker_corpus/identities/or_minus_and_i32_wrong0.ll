; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated or_minus_and at i32

define i32 @src(i32 %x, i32 %y) {
  %a = or i32 %x, %y
  %b = and i32 %x, %y
  %r = sub i32 %a, %b
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  %r = or i32 %x, %y
  ret i32 %r
}
