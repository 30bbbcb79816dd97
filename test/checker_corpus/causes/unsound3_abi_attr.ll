; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: cause 3 - callers rely on zeroext of the return; the target sign-extends instead
define zeroext i8 @src(i8 %x) {
  ret i8 %x
}
define signext i8 @tgt(i8 %x) {
  ret i8 %x
}
