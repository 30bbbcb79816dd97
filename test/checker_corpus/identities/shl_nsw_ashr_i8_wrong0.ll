; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated shl_nsw_ashr at i8

define i8 @src(i8 %x) {
  %a = shl nsw i8 %x, 1
  %r = ashr i8 %a, 1
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = ashr i8 %x, 1
  ret i8 %r
}
