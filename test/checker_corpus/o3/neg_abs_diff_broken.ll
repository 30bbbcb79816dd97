; CLASS: value-mismatch
; EXPECT: not-proved
; UNROLL: 16
; WHY: an integer constant of the -O3 output off by one
; C: int f(int a, int b) { return a > b ? a - b : b - a; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i32 noundef %0, i32 noundef %1) #100 {
  %3 = icmp sgt i32 %0, %1
  br i1 %3, label %4, label %6

4:                                                ; preds = %2
  %5 = sub nsw i32 %0, %1
  br label %8

6:                                                ; preds = %2
  %7 = sub nsw i32 %1, %0
  br label %8

8:                                                ; preds = %6, %4
  %9 = phi i32 [ %5, %4 ], [ %7, %6 ]
  ret i32 %9
}

define dso_local range(i32 0, -2147483648) i32 @tgt(i32 noundef %0, i32 noundef %1) local_unnamed_addr #200 {
  %3 = add nsw i32 %0, %1
  %4 = tail call i32 @llvm.abs.i32(i32 %3, i1 true)
  ret i32 %4
}
declare i32 @llvm.abs.i32(i32, i1 immarg) #1

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
