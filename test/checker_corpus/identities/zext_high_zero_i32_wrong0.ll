; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated zext_high_zero at i32

define i64 @src(i32 %x) {
  %a = zext i32 %x to i64
  %r = lshr i64 %a, 32
  ret i64 %r
}

define i64 @tgt(i32 %x) {
  %a = sext i32 %x to i64
  %r = lshr i64 %a, 32
  ret i64 %r
}
