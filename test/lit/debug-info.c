// -g: DW_AT_name is the user's source path and DW_AT_comp_dir the directory the compile
// ran in, never one of llmcc's temp files.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: cd %t.dir && %llmcc -g -O2 -c %s -o out.o
// RUN: llvm-dwarfdump --debug-info %t.dir/out.o | FileCheck %s -DSRC=%s -DDIR=%t.dir
// CHECK: DW_TAG_compile_unit
// CHECK: DW_AT_name ("[[SRC]]")
// CHECK: DW_AT_comp_dir ("[[DIR]]")
// CHECK: DW_AT_name ("debug_me")
int debug_me(int x) { return x * x + 1; }
