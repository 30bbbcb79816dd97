; CLASS: correct
; EXPECT: proved
; WHY: false refutation cause - dereferenceable implies a non-poison pointer, so the load may be hoisted
define i8 @src(ptr dereferenceable(1) %p, i1 noundef %c) {
  br i1 %c, label %a, label %b
a:
  %v = load i8, ptr %p, align 1
  ret i8 %v
b:
  ret i8 0
}
define i8 @tgt(ptr dereferenceable(1) %p, i1 noundef %c) {
  %v = load i8, ptr %p, align 1
  %r = select i1 %c, i8 %v, i8 0
  ret i8 %r
}
