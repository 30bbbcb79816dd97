; x +nsw 2 > x  ==  true
define i1 @src(i4 %x) {
  %a = add nsw i4 %x, 2
  %c = icmp sgt i4 %a, %x
  ret i1 %c
}
define i1 @tgt(i4 %x) {
  ret i1 true
}
