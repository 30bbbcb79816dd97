; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated shl_lshr_mask at i16

define i16 @src(i16 %x) {
  %a = shl i16 %x, 8
  %r = lshr i16 %a, 8
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = and i16 %x, 511
  ret i16 %r
}
