; CLASS: value-mismatch
; EXPECT: refuted
; WHY: returned pointer - off by one element
define ptr @src(ptr %p, i64 %i) {
  %a = getelementptr i32, ptr %p, i64 %i
  ret ptr %a
}
define ptr @tgt(ptr %p, i64 %i) {
  %a = getelementptr i8, ptr %p, i64 %i
  ret ptr %a
}
