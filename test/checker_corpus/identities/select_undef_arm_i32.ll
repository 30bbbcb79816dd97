; CLASS: correct
; EXPECT: proved
; WHY: select_undef_arm holds at i32

define i32 @src(i1 %c, i32 noundef %x) {
  %r = select i1 %c, i32 %x, i32 undef
  ret i32 %r
}

define i32 @tgt(i1 %c, i32 noundef %x) {
  ret i32 %x
}
