; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated not_as_sub at i32

define i32 @src(i32 %x) {
  %r = xor i32 %x, -1
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = sub i32 0, %x
  ret i32 %r
}
