; CLASS: correct
; EXPECT: proved
; WHY: cause 1 - per-lane compare folded correctly
define <4 x i1> @src(<4 x i8> %a) {
  %r = icmp ult <4 x i8> %a, splat (i8 8)
  ret <4 x i1> %r
}
define <4 x i1> @tgt(<4 x i8> %a) {
  %r = icmp ule <4 x i8> %a, splat (i8 7)
  ret <4 x i1> %r
}
