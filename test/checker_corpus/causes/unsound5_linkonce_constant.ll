; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: cause 5 - linkonce: another definition may win
@g = linkonce constant [2 x i8] c"ab"
define i8 @src(i64 %i) {
  %p = getelementptr [2 x i8], ptr @g, i64 0, i64 1
  %v = load i8, ptr %p
  ret i8 %v
}
define i8 @tgt(i64 %i) {
  ret i8 98
}
