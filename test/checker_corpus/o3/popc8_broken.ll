; CLASS: value-mismatch
; EXPECT: not-proved
; UNROLL: 16
; WHY: an integer constant of the -O3 output off by one
; C: unsigned f(unsigned x) { unsigned c = 0; for (int i = 0; i < 8; i++) { c += x & 1; x >>= 1; } return c; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i32 noundef %0) #100 {
  br label %2

2:                                                ; preds = %9, %1
  %.07 = phi i32 [ %0, %1 ], [ %8, %9 ]
  %.06 = phi i32 [ 0, %1 ], [ %7, %9 ]
  %.0 = phi i32 [ 0, %1 ], [ %10, %9 ]
  %3 = icmp slt i32 %.0, 8
  br i1 %3, label %5, label %4

4:                                                ; preds = %2
  br label %11

5:                                                ; preds = %2
  %6 = and i32 %.07, 1
  %7 = add i32 %.06, %6
  %8 = lshr i32 %.07, 1
  br label %9

9:                                                ; preds = %5
  %10 = add nsw i32 %.0, 1
  br label %2

11:                                               ; preds = %4
  ret i32 %.06
}

define dso_local range(i32 0, 9) i32 @tgt(i32 noundef %0) local_unnamed_addr #200 {
  %2 = and i32 %0, 1
  %3 = lshr i32 %0, 1
  %4 = and i32 %3, 1
  %5 = sub nuw nsw i32 %2, %4
  %6 = lshr i32 %0, 2
  %7 = and i32 %6, 1
  %8 = add nuw nsw i32 %5, %7
  %9 = lshr i32 %0, 3
  %10 = and i32 %9, 1
  %11 = add nuw nsw i32 %8, %10
  %12 = lshr i32 %0, 4
  %13 = and i32 %12, 1
  %14 = add nuw nsw i32 %11, %13
  %15 = lshr i32 %0, 5
  %16 = and i32 %15, 1
  %17 = add nuw nsw i32 %14, %16
  %18 = lshr i32 %0, 6
  %19 = and i32 %18, 1
  %20 = add nuw nsw i32 %17, %19
  %21 = lshr i32 %0, 7
  %22 = and i32 %21, 1
  %23 = add nuw nsw i32 %20, %22
  ret i32 %23
}

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
