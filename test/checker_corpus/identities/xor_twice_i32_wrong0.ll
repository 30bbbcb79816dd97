; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated xor_twice at i32

define i32 @src(i32 %x, i32 %y) {
  %a = xor i32 %x, %y
  %r = xor i32 %a, %y
  ret i32 %r
}

define i32 @tgt(i32 %x, i32 %y) {
  %r = xor i32 %x, %y
  ret i32 %r
}
