; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sdiv_not_ashr at i16

define i16 @src(i16 noundef %x) {
  %r = sdiv i16 %x, 4
  ret i16 %r
}

define i16 @tgt(i16 noundef %x) {
  %r = ashr i16 %x, 2
  ret i16 %r
}
