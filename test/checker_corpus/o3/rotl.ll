; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: unsigned f(unsigned x, unsigned n) { n &= 31; return (x << n) | (x >> ((32 - n) & 31)); }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i32 noundef %0, i32 noundef %1) #100 {
  %3 = and i32 %1, 31
  %4 = shl i32 %0, %3
  %5 = sub i32 32, %3
  %6 = and i32 %5, 31
  %7 = lshr i32 %0, %6
  %8 = or i32 %4, %7
  ret i32 %8
}

define dso_local noundef i32 @tgt(i32 noundef %0, i32 noundef %1) local_unnamed_addr #200 {
  %3 = tail call i32 @llvm.fshl.i32(i32 %0, i32 %0, i32 %1)
  ret i32 %3
}

declare i32 @llvm.fshl.i32(i32, i32, i32) #1

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
