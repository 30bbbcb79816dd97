; CLASS: correct
; EXPECT: proved
; WHY: mul3 holds at i32

define i32 @src(i32 noundef %x) {
  %r = mul i32 %x, 3
  ret i32 %r
}

define i32 @tgt(i32 noundef %x) {
  %a = shl i32 %x, 1
  %r = add i32 %a, %x
  ret i32 %r
}
