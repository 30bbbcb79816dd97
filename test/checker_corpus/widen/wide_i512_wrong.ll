; CLASS: value-mismatch
; EXPECT: refuted
; WHY: wide integers - shift by the wrong amount at i512
define i512 @src(i512 %x) {
  %r = shl i512 %x, 1
  ret i512 %r
}
define i512 @tgt(i512 %x) {
  %r = add i512 %x, %x
  %s = add i512 %r, 1
  ret i512 %s
}
