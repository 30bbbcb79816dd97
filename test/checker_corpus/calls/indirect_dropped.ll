; CLASS: src-more-defined
; EXPECT: not-proved
; WHY: indirect calls - an unused indirect call may have effects and must stay
define i32 @src(ptr %fp, i32 %x) {
  %r = call i32 %fp(i32 %x)
  ret i32 %x
}
define i32 @tgt(ptr %fp, i32 %x) {
  ret i32 %x
}
