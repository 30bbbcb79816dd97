; CLASS: correct
; EXPECT: proved
; WHY: cause 4 - the same fold is right on x86-64
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"
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
