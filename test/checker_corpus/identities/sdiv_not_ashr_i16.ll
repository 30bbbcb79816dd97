; CLASS: correct
; EXPECT: proved
; WHY: sdiv_not_ashr holds at i16

define i16 @src(i16 noundef %x) {
  %r = sdiv i16 %x, 4
  ret i16 %r
}

define i16 @tgt(i16 noundef %x) {
  %n = icmp slt i16 %x, 0
  %b = add i16 %x, 3
  %s = select i1 %n, i16 %b, i16 %x
  %r = ashr i16 %s, 2
  ret i16 %r
}
