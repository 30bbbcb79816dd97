; CLASS: correct
; EXPECT: proved
; WHY: sub1_addm1 holds at i32

define i32 @src(i32 %x) {
  %r = sub i32 %x, 1
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  %r = add i32 %x, -1
  ret i32 %r
}
