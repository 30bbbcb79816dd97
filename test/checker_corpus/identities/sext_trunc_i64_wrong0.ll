; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sext_trunc at i64

define i64 @src(i64 %x) {
  %a = sext i64 %x to i128
  %r = trunc i128 %a to i64
  ret i64 %r
}

define i64 @tgt(i64 %x) {
  %r = add i64 %x, 1
  ret i64 %r
}
