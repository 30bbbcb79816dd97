; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated sub1_addm1 at i64

define i64 @src(i64 %x) {
  %r = sub i64 %x, 1
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = add nsw i64 %x, -1
  ret i64 %r
}
