// __FILE__ expands to the path the user passed, not to a temp file of llmcc's.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: cp %s %t.dir/file-macro.c
// RUN: cd %t.dir && %llmcc -O2 -c file-macro.c -o out.o
// RUN: llvm-strings %t.dir/out.o | FileCheck %s
// CHECK: {{^}}file-macro.c{{$}}
const char *where(void) { return __FILE__; }
