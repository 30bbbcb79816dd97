; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sext_trunc at i8

define i8 @src(i8 %x) {
  %a = sext i8 %x to i16
  %r = trunc i16 %a to i8
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  %r = add i8 %x, 1
  ret i8 %r
}
