; CLASS: more-undef
; EXPECT: not-proved
; WHY: mutated mul3_undef_input at i8

define i8 @src(i8 %x) {
  %r = mul i8 %x, 3
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %a = shl i8 %x, 1
  %r = add i8 %a, %x
  ret i8 %r
}
