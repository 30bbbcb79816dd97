; CLASS: more-undef
; EXPECT: not-proved
; WHY: mutated mul3_undef_input at i64

define i64 @src(i64 %x) {
  %r = mul i64 %x, 3
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %a = shl i64 %x, 1
  %r = add i64 %a, %x
  ret i64 %r
}
