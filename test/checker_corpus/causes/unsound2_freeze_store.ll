; CLASS: more-undef
; EXPECT: not-proved
; WHY: cause 2 - the target stores undef where the source stored a frozen value
define void @src(ptr %p) {
  %f = freeze i8 undef
  store i8 %f, ptr %p
  ret void
}
define void @tgt(ptr %p) {
  store i8 undef, ptr %p
  ret void
}
