; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated add_sub_cancel at i64

define i64 @src(i64 %x, i64 %y) {
  %a = add i64 %x, %y
  %r = sub i64 %a, %y
  ret i64 %r
}

define i64 @tgt(i64 %x, i64 %y) {
  ret i64 %y
}
