; CLASS: correct
; EXPECT: proved
; WHY: returned pointer - two GEPs folded into one
define ptr @src(ptr %p, i64 %i) {
  %a = getelementptr i32, ptr %p, i64 %i
  %b = getelementptr i8, ptr %a, i64 4
  ret ptr %b
}
define ptr @tgt(ptr %p, i64 %i) {
  %a = getelementptr i32, ptr %p, i64 %i
  %b = getelementptr i32, ptr %a, i64 1
  ret ptr %b
}
