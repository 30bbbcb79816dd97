; CLASS: value-mismatch
; EXPECT: not-proved
; UNROLL: 16
; WHY: an integer constant of the -O3 output off by one
; C: int f(int a, int b) { int s = a + b; if (s > 100) s = 100; if (s < -100) s = -100; return s; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i32 noundef %0, i32 noundef %1) #100 {
  %3 = add nsw i32 %0, %1
  %4 = icmp sgt i32 %3, 100
  br i1 %4, label %5, label %6

5:                                                ; preds = %2
  br label %6

6:                                                ; preds = %5, %2
  %.0 = phi i32 [ 100, %5 ], [ %3, %2 ]
  %7 = icmp slt i32 %.0, -100
  br i1 %7, label %8, label %9

8:                                                ; preds = %6
  br label %9

9:                                                ; preds = %8, %6
  %.1 = phi i32 [ -100, %8 ], [ %.0, %6 ]
  ret i32 %.1
}

define dso_local range(i32 -100, 101) i32 @tgt(i32 noundef %0, i32 noundef %1) local_unnamed_addr #200 {
  %3 = add nsw i32 %1, %0
  %4 = tail call i32 @llvm.smax.i32(i32 %3, i32 -99)
  %5 = tail call i32 @llvm.smin.i32(i32 %4, i32 100)
  ret i32 %5
}
declare i32 @llvm.smax.i32(i32, i32) #1
declare i32 @llvm.smin.i32(i32, i32) #1

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
