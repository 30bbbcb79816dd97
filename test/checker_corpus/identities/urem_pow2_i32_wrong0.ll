; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated urem_pow2 at i32

define i32 @src(i32 %x) {
  %r = urem i32 %x, 8
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = and i32 %x, 15
  ret i32 %r
}
