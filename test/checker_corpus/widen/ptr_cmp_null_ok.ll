; CLASS: correct
; EXPECT: proved
; WHY: a nonnull argument compares unequal to null
define i1 @src(ptr nonnull %p) {
  %r = icmp eq ptr %p, null
  ret i1 %r
}
define i1 @tgt(ptr nonnull %p) {
  ret i1 false
}
