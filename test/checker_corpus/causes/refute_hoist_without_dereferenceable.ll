; CLASS: src-more-defined
; EXPECT: refuted
; WHY: without dereferenceable the hoisted load may be UB where the source skipped it
define i8 @src(ptr %p, i1 noundef %c) {
  br i1 %c, label %a, label %b
a:
  %v = load i8, ptr %p, align 1
  ret i8 %v
b:
  ret i8 0
}
define i8 @tgt(ptr %p, i1 noundef %c) {
  %v = load i8, ptr %p, align 1
  %r = select i1 %c, i8 %v, i8 0
  ret i8 %r
}
