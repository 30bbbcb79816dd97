; CLASS: correct
; EXPECT: proved
; WHY: sdiv_not_ashr holds at i64

define i64 @src(i64 noundef %x) {
  %r = sdiv i64 %x, 4
  ret i64 %r
}

define i64 @tgt(i64 noundef %x) {
  %n = icmp slt i64 %x, 0
  %b = add i64 %x, 3
  %s = select i1 %n, i64 %b, i64 %x
  %r = ashr i64 %s, 2
  ret i64 %r
}
