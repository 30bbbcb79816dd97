; CLASS: more-undef
; EXPECT: not-proved
; WHY: mutated mul3_undef_input at i16

define i16 @src(i16 %x) {
  %r = mul i16 %x, 3
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %a = shl i16 %x, 1
  %r = add i16 %a, %x
  ret i16 %r
}
