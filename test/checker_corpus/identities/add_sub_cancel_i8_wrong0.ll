; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated add_sub_cancel at i8

define i8 @src(i8 %x, i8 %y) {
  %a = add i8 %x, %y
  %r = sub i8 %a, %y
  ret i8 %r
}

define i8 @tgt(i8 %x, i8 %y) {
  ret i8 %y
}
