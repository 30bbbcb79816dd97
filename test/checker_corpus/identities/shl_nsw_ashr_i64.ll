; CLASS: correct
; EXPECT: proved
; WHY: shl_nsw_ashr holds at i64

define i64 @src(i64 %x) {
  %a = shl nsw i64 %x, 1
  %r = ashr i64 %a, 1
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  ret i64 %x
}
