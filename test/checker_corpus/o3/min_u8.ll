; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: unsigned char f(unsigned char a, unsigned char b) { return a < b ? a : b; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local zeroext i8 @src(i8 noundef zeroext %0, i8 noundef zeroext %1) #100 {
  %3 = zext i8 %0 to i32
  %4 = zext i8 %1 to i32
  %5 = icmp slt i32 %3, %4
  br i1 %5, label %6, label %8

6:                                                ; preds = %2
  %7 = zext i8 %0 to i32
  br label %10

8:                                                ; preds = %2
  %9 = zext i8 %1 to i32
  br label %10

10:                                               ; preds = %8, %6
  %11 = phi i32 [ %7, %6 ], [ %9, %8 ]
  %12 = trunc i32 %11 to i8
  ret i8 %12
}

define dso_local noundef zeroext i8 @tgt(i8 noundef zeroext %0, i8 noundef zeroext %1) local_unnamed_addr #200 {
  %3 = tail call i8 @llvm.umin.i8(i8 %0, i8 %1)
  ret i8 %3
}

declare i8 @llvm.umin.i8(i8, i8) #1

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
