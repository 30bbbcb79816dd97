; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sdiv_not_ashr at i64

define i64 @src(i64 noundef %x) {
  %r = sdiv i64 %x, 4
  ret i64 %r
}

define i64 @tgt(i64 noundef %x) {
  %r = ashr i64 %x, 2
  ret i64 %r
}
