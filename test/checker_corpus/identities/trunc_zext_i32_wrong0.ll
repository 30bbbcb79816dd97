; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated trunc_zext at i32

define i32 @src(i32 %x) {
  %a = zext i32 %x to i64
  %r = trunc i64 %a to i32
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %a = zext i32 %x to i64
  %b = lshr i64 %a, 1
  %r = trunc i64 %b to i32
  ret i32 %r
}
