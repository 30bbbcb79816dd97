; CLASS: correct
; EXPECT: correct
; WHY: cause 4 - with 32-bit pointers a GEP offset of 2^32 wraps to 0 (right there, wrong on x86-64)
target datalayout = "e-m:e-p:32:32-i64:64-n32-S128"
define i8 @src(ptr %p) {
  %q = getelementptr i8, ptr %p, i64 4294967296
  %v = load i8, ptr %q
  ret i8 %v
}
define i8 @tgt(ptr %p) {
  %v = load i8, ptr %p
  ret i8 %v
}
