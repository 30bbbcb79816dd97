; CLASS: correct
; EXPECT: proved
; WHY: mul3 holds at i64

define i64 @src(i64 noundef %x) {
  %r = mul i64 %x, 3
  ret i64 %r
}

define i64 @tgt(i64 noundef %x) {
  %a = shl i64 %x, 1
  %r = add i64 %a, %x
  ret i64 %r
}
