; CLASS: correct
; EXPECT: correct
; UNROLL: 16
; WHY: clang -O3 output of the same C function
; C: unsigned short f(unsigned short x) { return (unsigned short)((x >> 8) | (x << 8)); }

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

define dso_local zeroext i16 @src(i16 noundef zeroext %0) #100 {
  %2 = zext i16 %0 to i32
  %3 = ashr i32 %2, 8
  %4 = zext i16 %0 to i32
  %5 = shl i32 %4, 8
  %6 = or i32 %3, %5
  %7 = trunc i32 %6 to i16
  ret i16 %7
}

define dso_local noundef zeroext i16 @tgt(i16 noundef zeroext %0) local_unnamed_addr #200 {
  %2 = tail call i16 @llvm.bswap.i16(i16 %0)
  ret i16 %2
}

declare i16 @llvm.bswap.i16(i16) #1

attributes #100 = { nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #200 = { mustprogress nofree norecurse nosync nounwind willreturn memory(none) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
