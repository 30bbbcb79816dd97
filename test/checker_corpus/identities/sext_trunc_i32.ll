; CLASS: correct
; EXPECT: proved
; WHY: sext_trunc holds at i32

define i32 @src(i32 %x) {
  %a = sext i32 %x to i64
  %r = trunc i64 %a to i32
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 %x
}
