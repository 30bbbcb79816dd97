; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated sext_trunc at i16

define i16 @src(i16 %x) {
  %a = sext i16 %x to i32
  %r = trunc i32 %a to i16
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  %r = add i16 %x, 1
  ret i16 %r
}
