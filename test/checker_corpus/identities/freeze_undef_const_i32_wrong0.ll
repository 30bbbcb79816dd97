; CLASS: more-undef
; EXPECT: not-proved
; WHY: mutated freeze_undef_const at i32

define i32 @src(i32 %x) {
  %r = freeze i32 undef
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 undef
}
