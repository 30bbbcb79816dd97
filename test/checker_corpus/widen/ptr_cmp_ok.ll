; CLASS: correct
; EXPECT: proved
; WHY: pointer comparison - p+1 == q+1 iff p == q
define i1 @src(ptr %p, ptr %q) {
  %a = getelementptr i8, ptr %p, i64 1
  %b = getelementptr i8, ptr %q, i64 1
  %r = icmp eq ptr %a, %b
  ret i1 %r
}
define i1 @tgt(ptr %p, ptr %q) {
  %r = icmp eq ptr %p, %q
  ret i1 %r
}
