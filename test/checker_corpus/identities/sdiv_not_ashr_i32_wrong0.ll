; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sdiv_not_ashr at i32

define i32 @src(i32 noundef %x) {
  %r = sdiv i32 %x, 4
  ret i32 %r
}

define i32 @tgt(i32 noundef %x) {
  %r = ashr i32 %x, 2
  ret i32 %r
}
