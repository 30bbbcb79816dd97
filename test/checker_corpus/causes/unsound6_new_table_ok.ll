; CLASS: correct
; EXPECT: proved
; WHY: cause 6 - the target may add a private lookup table (switch to table)
define i32 @src(i32 noundef %x) {
entry:
  switch i32 %x, label %d [ i32 0, label %a
                            i32 1, label %b ]
a:
  ret i32 10
b:
  ret i32 20
d:
  ret i32 0
}
; ---- target module ----
@switch.table = private unnamed_addr constant [2 x i32] [i32 10, i32 20], align 4
define i32 @tgt(i32 noundef %x) {
  %in = icmp ult i32 %x, 2
  br i1 %in, label %t, label %d
t:
  %i = zext i32 %x to i64
  %p = getelementptr inbounds [2 x i32], ptr @switch.table, i64 0, i64 %i
  %v = load i32, ptr %p, align 4
  ret i32 %v
d:
  ret i32 0
}
