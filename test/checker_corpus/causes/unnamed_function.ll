; CLASS: correct
; EXPECT: proved
; SRC: 0
; TGT: tgt
; WHY: an unnamed function (@0) is addressable by its number
define i32 @0(i32 %x) {
  %r = mul i32 %x, 4
  ret i32 %r
}
define i32 @tgt(i32 %x) {
  %r = shl i32 %x, 2
  ret i32 %r
}
