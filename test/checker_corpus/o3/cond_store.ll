; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: void f(int *p, int c) { if (c) *p = 1; else *p = 2; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local void @src(ptr noundef %0, i32 noundef %1) #100 {
  %3 = icmp ne i32 %1, 0
  br i1 %3, label %4, label %5

4:                                                ; preds = %2
  store i32 1, ptr %0, align 4
  br label %6

5:                                                ; preds = %2
  store i32 2, ptr %0, align 4
  br label %6

6:                                                ; preds = %5, %4
  ret void
}

define dso_local void @tgt(ptr noundef writeonly captures(none) initializes((0, 4)) %0, i32 noundef %1) local_unnamed_addr #200 {
  %3 = icmp eq i32 %1, 0
  %4 = select i1 %3, i32 2, i32 1
  store i32 %4, ptr %0, align 4
  ret void
}


attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(argmem: write) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
