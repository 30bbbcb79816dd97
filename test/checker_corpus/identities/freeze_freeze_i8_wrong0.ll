; CLASS: more-poison
; EXPECT: not-proved
; WHY: mutated freeze_freeze at i8

define i8 @src(i8 %x) {
  %a = freeze i8 %x
  %r = freeze i8 %a
  ret i8 %r
}

define i8 @tgt(i8 %x) {
  ret i8 %x
}
