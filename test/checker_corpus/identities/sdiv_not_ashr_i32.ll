; CLASS: correct
; EXPECT: proved
; WHY: sdiv_not_ashr holds at i32

define i32 @src(i32 noundef %x) {
  %r = sdiv i32 %x, 4
  ret i32 %r
}

define i32 @tgt(i32 noundef %x) {
  %n = icmp slt i32 %x, 0
  %b = add i32 %x, 3
  %s = select i1 %n, i32 %b, i32 %x
  %r = ashr i32 %s, 2
  ret i32 %r
}
