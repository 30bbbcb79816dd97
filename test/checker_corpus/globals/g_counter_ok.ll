; CLASS: correct
; EXPECT: proved
; WHY: globals - increment of a counter, from a -O0 style sequence
@counter = dso_local global i64 0, align 8
define void @src(i64 %n) {
  %a = load i64, ptr @counter, align 8
  %b = add i64 %a, %n
  store i64 %b, ptr @counter, align 8
  %c = load i64, ptr @counter, align 8
  %d = add i64 %c, 1
  store i64 %d, ptr @counter, align 8
  ret void
}
define void @tgt(i64 %n) {
  %a = load i64, ptr @counter, align 8
  %b = add i64 %a, %n
  %d = add i64 %b, 1
  store i64 %d, ptr @counter, align 8
  ret void
}
