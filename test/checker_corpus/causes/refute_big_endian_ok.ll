; CLASS: correct
; EXPECT: correct
; WHY: false refutation cause (big-endian layout) - right on big-endian, refuted by an x86-64 model
target datalayout = "E-m:e-p:64:64-i64:64-n32:64-S128"
define i8 @src(ptr %p, i16 noundef %x) {
  store i16 %x, ptr %p, align 2
  %b = load i8, ptr %p, align 1
  ret i8 %b
}
define i8 @tgt(ptr %p, i16 noundef %x) {
  store i16 %x, ptr %p, align 2
  %h = lshr i16 %x, 8
  %b = trunc i16 %h to i8
  ret i8 %b
}
