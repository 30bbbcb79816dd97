; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sub_self at i32

define i32 @src(i32 %x) {
  %r = sub i32 %x, %x
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 1
}
