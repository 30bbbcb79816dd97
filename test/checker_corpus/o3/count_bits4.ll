; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: int f(unsigned char x) { int n = 0; while (x) { n += x & 1; x >>= 1; } return n; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i8 noundef zeroext %0) #100 {
  br label %2

2:                                                ; preds = %4, %1
  %.05 = phi i8 [ %0, %1 ], [ %10, %4 ]
  %.0 = phi i32 [ 0, %1 ], [ %7, %4 ]
  %3 = icmp ne i8 %.05, 0
  br i1 %3, label %4, label %11

4:                                                ; preds = %2
  %5 = zext i8 %.05 to i32
  %6 = and i32 %5, 1
  %7 = add nsw i32 %.0, %6
  %8 = zext i8 %.05 to i32
  %9 = ashr i32 %8, 1
  %10 = trunc i32 %9 to i8
  br label %2

11:                                               ; preds = %2
  ret i32 %.0
}

define dso_local i32 @tgt(i8 noundef zeroext %0) local_unnamed_addr #200 {
  %2 = icmp eq i8 %0, 0
  br i1 %2, label %11, label %3

3:                                                ; preds = %1, %3
  %4 = phi i32 [ %8, %3 ], [ 0, %1 ]
  %5 = phi i8 [ %9, %3 ], [ %0, %1 ]
  %6 = and i8 %5, 1
  %7 = zext nneg i8 %6 to i32
  %8 = add nuw nsw i32 %4, %7
  %9 = lshr i8 %5, 1
  %10 = icmp eq i8 %9, 0
  br i1 %10, label %11, label %3

11:                                               ; preds = %3, %1
  %12 = phi i32 [ 0, %1 ], [ %8, %3 ]
  ret i32 %12
}


attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { nofree norecurse nosync nounwind memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
