; CLASS: more-undef
; EXPECT: not-proved
; WHY: mutated select_undef_arm at i8

define i8 @src(i1 %c, i8 noundef %x) {
  %r = select i1 %c, i8 %x, i8 undef
  ret i8 %r
}

define i8 @tgt(i1 %c, i8 noundef %x) {
  ret i8 undef
}
