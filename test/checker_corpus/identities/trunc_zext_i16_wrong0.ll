; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated trunc_zext at i16

define i16 @src(i16 %x) {
  %a = zext i16 %x to i32
  %r = trunc i32 %a to i16
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %a = zext i16 %x to i32
  %b = lshr i32 %a, 1
  %r = trunc i32 %b to i16
  ret i16 %r
}
