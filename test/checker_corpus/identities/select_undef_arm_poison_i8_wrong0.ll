; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated select_undef_arm_poison at i8

define i8 @src(i1 %c, i8 %x) {
  %r = select i1 %c, i8 %x, i8 undef
  ret i8 %r
}

define i8 @tgt(i1 %c, i8 %x) {
  ret i8 %x
}
