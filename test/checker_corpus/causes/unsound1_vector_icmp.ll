; CLASS: value-mismatch
; EXPECT: refuted
; WHY: cause 1 - a vector icmp has one i1 per lane; lane 1 differs (a == 1)
define <2 x i1> @src(<2 x i8> %a) {
  %r = icmp eq <2 x i8> %a, zeroinitializer
  ret <2 x i1> %r
}
define <2 x i1> @tgt(<2 x i8> %a) {
  %r = icmp eq <2 x i8> %a, <i8 0, i8 1>
  ret <2 x i1> %r
}
