; CLASS: value-mismatch
; EXPECT: refuted
; WHY: wide integers - shift by the wrong amount at i256
define i256 @src(i256 %x) {
  %r = shl i256 %x, 1
  ret i256 %r
}
define i256 @tgt(i256 %x) {
  %r = add i256 %x, %x
  %s = add i256 %r, 1
  ret i256 %s
}
