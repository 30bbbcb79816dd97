; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: cause 4 - on a big-endian layout the first byte is the high byte
target datalayout = "E-m:e-p:64:64-i64:64-n32:64-S128"
define i8 @src(ptr %p, i16 noundef %x) {
  store i16 %x, ptr %p, align 2
  %b = load i8, ptr %p, align 1
  ret i8 %b
}
define i8 @tgt(ptr %p, i16 noundef %x) {
  store i16 %x, ptr %p, align 2
  %b = trunc i16 %x to i8
  ret i8 %b
}
