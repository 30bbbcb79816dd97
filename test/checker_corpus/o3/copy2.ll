; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: void f(char *restrict d, const char *restrict s) { d[0] = s[0]; d[1] = s[1]; }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local void @src(ptr noalias noundef %0, ptr noalias noundef %1) #100 {
  %3 = getelementptr inbounds i8, ptr %1, i64 0
  %4 = load i8, ptr %3, align 1
  %5 = getelementptr inbounds i8, ptr %0, i64 0
  store i8 %4, ptr %5, align 1
  %6 = getelementptr inbounds i8, ptr %1, i64 1
  %7 = load i8, ptr %6, align 1
  %8 = getelementptr inbounds i8, ptr %0, i64 1
  store i8 %7, ptr %8, align 1
  ret void
}

define dso_local void @tgt(ptr noalias noundef writeonly captures(none) initializes((0, 2)) %0, ptr noalias noundef readonly captures(none) %1) local_unnamed_addr #200 {
  %3 = load i8, ptr %1, align 1
  store i8 %3, ptr %0, align 1
  %4 = getelementptr inbounds nuw i8, ptr %1, i64 1
  %5 = load i8, ptr %4, align 1
  %6 = getelementptr inbounds nuw i8, ptr %0, i64 1
  store i8 %5, ptr %6, align 1
  ret void
}


attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(argmem: readwrite) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
