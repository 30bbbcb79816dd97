; CLASS: more-poison
; EXPECT: not-proved
; WHY: mutated freeze_freeze at i16

define i16 @src(i16 %x) {
  %a = freeze i16 %x
  %r = freeze i16 %a
  ret i16 %r
}

define i16 @tgt(i16 %x) {
  ret i16 %x
}
