; CLASS: correct
; EXPECT: correct
; WHY: false refutation cause - copies of one undef lane are independent undefs
define <2 x i8> @src() {
  %s = shufflevector <2 x i8> <i8 undef, i8 0>, <2 x i8> poison, <2 x i32> <i32 0, i32 0>
  ret <2 x i8> %s
}
define <2 x i8> @tgt() {
  ret <2 x i8> <i8 1, i8 2>
}
