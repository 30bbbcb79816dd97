; CLASS: value-mismatch
; EXPECT: not-proved
; UNROLL: 16
; WHY: an integer constant of the -O3 output off by one
; C: int f(long x) { return (x > 0) - (x < 0); }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local i32 @src(i64 noundef %0) #100 {
  %2 = icmp sgt i64 %0, 0
  %3 = zext i1 %2 to i32
  %4 = icmp slt i64 %0, 0
  %5 = zext i1 %4 to i32
  %6 = sub nsw i32 %3, %5
  ret i32 %6
}

define dso_local range(i32 -1, 2) i32 @tgt(i64 noundef %0) local_unnamed_addr #200 {
  %2 = icmp sgt i64 %0, 0
  %3 = zext i1 %2 to i32
  %4 = ashr i64 %0, 63
  %5 = trunc nsw i64 %4 to i32
  %6 = sub nsw i32 %5, %3
  ret i32 %6
}

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
