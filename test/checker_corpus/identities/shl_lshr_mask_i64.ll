; CLASS: correct
; EXPECT: proved
; WHY: shl_lshr_mask holds at i64

define i64 @src(i64 %x) {
  %a = shl i64 %x, 32
  %r = lshr i64 %a, 32
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = and i64 %x, 4294967295
  ret i64 %r
}
