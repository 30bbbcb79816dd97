; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated shl_nsw_ashr at i64

define i64 @src(i64 %x) {
  %a = shl nsw i64 %x, 1
  %r = ashr i64 %a, 1
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = ashr i64 %x, 1
  ret i64 %r
}
