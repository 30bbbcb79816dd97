; CLASS: correct
; EXPECT: correct
; WHY: false refutation cause - two loads of a stored undef are independent undefs
define i8 @src(ptr noundef %p) {
  store i8 undef, ptr %p
  %a = load i8, ptr %p
  %b = load i8, ptr %p
  %r = sub i8 %a, %b
  ret i8 %r
}
define i8 @tgt(ptr noundef %p) {
  store i8 undef, ptr %p
  ret i8 1
}
