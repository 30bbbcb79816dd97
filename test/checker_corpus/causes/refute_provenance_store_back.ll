; CLASS: correct
; EXPECT: proved
; WHY: false refutation cause - storing back the loaded bytes leaves memory equal (per-byte provenance must not differ)
define void @src(ptr noundef %p) {
  %v = load i32, ptr %p, align 4
  store i32 %v, ptr %p, align 4
  ret void
}
define void @tgt(ptr noundef %p) {
  %v = load i32, ptr %p, align 4
  ret void
}
