; CLASS: value-mismatch
; EXPECT: refuted
; WHY: pointer comparison - unsigned order of p and p+1 wraps for the last address (no inbounds)
define i1 @src(ptr %p) {
  %a = getelementptr i8, ptr %p, i64 1
  %r = icmp ult ptr %p, %a
  ret i1 %r
}
define i1 @tgt(ptr %p) {
  ret i1 true
}
