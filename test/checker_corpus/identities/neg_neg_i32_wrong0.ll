; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated neg_neg at i32

define i32 @src(i32 %x) {
  %a = sub i32 0, %x
  %r = sub i32 0, %a
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = sub i32 0, %x
  ret i32 %r
}
