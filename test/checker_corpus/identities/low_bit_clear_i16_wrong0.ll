; CLASS: value-mismatch
; EXPECT: refuted
; WHY: mutated low_bit_clear at i16

define i1 @src(i16 %x) {
  %a = and i16 %x, 1
  %r = icmp eq i16 %a, 0
  ret i1 %r
}

define i1 @tgt(i16 %x) {
  %r = trunc i16 %x to i1
  ret i1 %r
}
