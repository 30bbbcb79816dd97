; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated trunc_zext at i8

define i8 @src(i8 %x) {
  %a = zext i8 %x to i16
  %r = trunc i16 %a to i8
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %a = zext i8 %x to i16
  %b = lshr i16 %a, 1
  %r = trunc i16 %b to i8
  ret i8 %r
}
