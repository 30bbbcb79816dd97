; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: cause 3 - an attribute the checker does not model (speculative_load_hardening here) must not be ignored silently; the pair is also wrong
define i8 @src(i8 %x) speculative_load_hardening {
  ret i8 %x
}
define i8 @tgt(i8 %x) speculative_load_hardening {
  ret i8 1
}
