; CLASS: value-mismatch
; EXPECT: not-proved
; UNROLL: 16
; WHY: an integer constant of the -O3 output off by one
; C: long f(long a, long b) { return a * 4 + b * 4; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i64 @src(i64 noundef %0, i64 noundef %1) #100 {
  %3 = mul nsw i64 %0, 4
  %4 = mul nsw i64 %1, 4
  %5 = add nsw i64 %3, %4
  ret i64 %5
}

define dso_local noundef range(i64 0, -3) i64 @tgt(i64 noundef %0, i64 noundef %1) local_unnamed_addr #200 {
  %3 = sub i64 %1, %0
  %4 = shl i64 %3, 2
  ret i64 %4
}

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
