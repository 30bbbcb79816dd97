; CLASS: correct
; EXPECT: proved
; WHY: neg_neg holds at i32

define i32 @src(i32 %x) {
  %a = sub i32 0, %x
  %r = sub i32 0, %a
  ret i32 %r
}

define i32 @tgt(i32 %x) {
  ret i32 %x
}
