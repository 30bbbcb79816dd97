; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated shl_nsw_ashr at i32

define i32 @src(i32 %x) {
  %a = shl nsw i32 %x, 1
  %r = ashr i32 %a, 1
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = ashr i32 %x, 1
  ret i32 %r
}
