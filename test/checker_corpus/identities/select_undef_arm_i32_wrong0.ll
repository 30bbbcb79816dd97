; CLASS: more-undef
; EXPECT: not-proved
; WHY: mutated select_undef_arm at i32

define i32 @src(i1 %c, i32 noundef %x) {
  %r = select i1 %c, i32 %x, i32 undef
  ret i32 %r
}

define i32 @tgt(i1 %c, i32 noundef %x) {
  ret i32 undef
}
