; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: int f(const int *a) { int s = 0; for (int i = 0; i < 4; i++) s += a[i]; return s; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(ptr noundef %0) #100 {
  br label %2

2:                                                ; preds = %10, %1
  %.05 = phi i32 [ 0, %1 ], [ %9, %10 ]
  %.0 = phi i32 [ 0, %1 ], [ %11, %10 ]
  %3 = icmp slt i32 %.0, 4
  br i1 %3, label %5, label %4

4:                                                ; preds = %2
  br label %12

5:                                                ; preds = %2
  %6 = sext i32 %.0 to i64
  %7 = getelementptr inbounds i32, ptr %0, i64 %6
  %8 = load i32, ptr %7, align 4
  %9 = add nsw i32 %.05, %8
  br label %10

10:                                               ; preds = %5
  %11 = add nsw i32 %.0, 1
  br label %2

12:                                               ; preds = %4
  ret i32 %.05
}

define dso_local i32 @tgt(ptr noundef readonly captures(none) %0) local_unnamed_addr #200 {
  %2 = load <4 x i32>, ptr %0, align 4
  %3 = tail call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %2)
  ret i32 %3
}

declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>) #1

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(argmem: read) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
