; CLASS: more-poison
; EXPECT: refuted
; WHY: returned pointer - adding inbounds makes an out-of-object result poison
define ptr @src(ptr %p) {
  %a = getelementptr i8, ptr %p, i64 1000000
  ret ptr %a
}
define ptr @tgt(ptr %p) {
  %a = getelementptr inbounds i8, ptr %p, i64 1000000
  ret ptr %a
}
