; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated mul3 at i32

define i32 @src(i32 noundef %x) {
  %r = mul i32 %x, 3
  ret i32 %r
}

define i32 @tgt(i32 noundef %x) {
  %a = shl i32 %x, 1
  %r = add i32 %a, 1
  ret i32 %r
}
