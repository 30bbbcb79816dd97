; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: int f(int x) { if (x == 0) return 10; if (x == 1) return 20; if (x == 2) return 30; return 0; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i32 noundef %0) #100 {
  %2 = icmp eq i32 %0, 0
  br i1 %2, label %3, label %4

3:                                                ; preds = %1
  br label %11

4:                                                ; preds = %1
  %5 = icmp eq i32 %0, 1
  br i1 %5, label %6, label %7

6:                                                ; preds = %4
  br label %11

7:                                                ; preds = %4
  %8 = icmp eq i32 %0, 2
  br i1 %8, label %9, label %10

9:                                                ; preds = %7
  br label %11

10:                                               ; preds = %7
  br label %11

11:                                               ; preds = %10, %9, %6, %3
  %.0 = phi i32 [ 10, %3 ], [ 20, %6 ], [ 30, %9 ], [ 0, %10 ]
  ret i32 %.0
}

define dso_local range(i32 0, 31) i32 @tgt(i32 noundef %0) local_unnamed_addr #200 {
  %2 = icmp ult i32 %0, 3
  %3 = mul nsw i32 %0, 10
  %4 = add nsw i32 %3, 10
  %5 = select i1 %2, i32 %4, i32 0
  ret i32 %5
}


attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
