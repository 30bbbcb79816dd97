; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated and_self at i32

define i32 @src(i32 %x) {
  %r = and i32 %x, %x
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = and i32 %x, 1
  ret i32 %r
}
