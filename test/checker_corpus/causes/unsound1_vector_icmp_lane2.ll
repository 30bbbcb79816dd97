; CLASS: value-mismatch
; EXPECT: refuted
; WHY: cause 1 - only the last lane of the compare changes
define <4 x i1> @src(<4 x i32> %a, <4 x i32> %b) {
  %r = icmp slt <4 x i32> %a, %b
  ret <4 x i1> %r
}
define <4 x i1> @tgt(<4 x i32> %a, <4 x i32> %b) {
  %r = icmp slt <4 x i32> %a, %b
  %s = insertelement <4 x i1> %r, i1 false, i32 3
  ret <4 x i1> %s
}
