; CLASS: more-undef
; EXPECT: not-proved
; WHY: mutated mul3_undef_input at i32

define i32 @src(i32 %x) {
  %r = mul i32 %x, 3
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %a = shl i32 %x, 1
  %r = add i32 %a, %x
  ret i32 %r
}
