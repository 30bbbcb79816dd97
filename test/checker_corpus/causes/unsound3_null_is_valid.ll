; CLASS: value-mismatch
; EXPECT: not-proved
; WHY: cause 3 - with null_pointer_is_valid a load from null reads memory, it is not UB
define i8 @src() null_pointer_is_valid {
  %v = load i8, ptr null
  ret i8 %v
}
define i8 @tgt() null_pointer_is_valid {
  ret i8 0
}
