; CLASS: more-poison
; EXPECT: refuted
; WHY: mutated select_undef_arm_poison at i64

define i64 @src(i1 %c, i64 %x) {
  %r = select i1 %c, i64 %x, i64 undef
  ret i64 %r
}

define i64 @tgt(i1 %c, i64 %x) {
  ret i64 %x
}
