; CLASS: correct
; EXPECT: proved
; WHY: sdiv_not_ashr holds at i8

define i8 @src(i8 noundef %x) {
  %r = sdiv i8 %x, 4
  ret i8 %r
}

define i8 @tgt(i8 noundef %x) {
  %n = icmp slt i8 %x, 0
  %b = add i8 %x, 3
  %s = select i1 %n, i8 %b, i8 %x
  %r = ashr i8 %s, 2
  ret i8 %r
}
