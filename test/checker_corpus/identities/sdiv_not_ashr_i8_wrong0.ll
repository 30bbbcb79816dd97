; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sdiv_not_ashr at i8

define i8 @src(i8 noundef %x) {
  %r = sdiv i8 %x, 4
  ret i8 %r
}

define i8 @tgt(i8 noundef %x) {
  %r = ashr i8 %x, 2
  ret i8 %r
}
