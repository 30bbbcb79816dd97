; CLASS: value-mismatch
; EXPECT: not-proved
; UNROLL: 16
; WHY: an integer constant of the -O3 output off by one
; C: int f(unsigned x) { return x && !(x & (x - 1)); }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i32 noundef %0) #100 {
  %2 = icmp ne i32 %0, 0
  br i1 %2, label %3, label %8

3:                                                ; preds = %1
  %4 = sub i32 %0, 1
  %5 = and i32 %0, %4
  %6 = icmp ne i32 %5, 0
  %7 = xor i1 %6, true
  br label %8

8:                                                ; preds = %3, %1
  %9 = phi i1 [ false, %1 ], [ %7, %3 ]
  %10 = zext i1 %9 to i32
  ret i32 %10
}

define dso_local range(i32 0, 2) i32 @tgt(i32 noundef %0) local_unnamed_addr #200 {
  %2 = icmp eq i32 %0, 0
  br i1 %2, label %7, label %3

3:                                                ; preds = %1
  %4 = tail call range(i32 2, 33) i32 @llvm.ctpop.i32(i32 %0)
  %5 = icmp samesign ult i32 %4, 2
  %6 = zext i1 %5 to i32
  br label %7

7:                                                ; preds = %3, %1
  %8 = phi i32 [ 0, %1 ], [ %6, %3 ]
  ret i32 %8
}
declare i32 @llvm.ctpop.i32(i32) #1

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
