// Without -o, `-c dir/name.c` writes name.o in the current directory (not next to the
// source, not in a temp dir).
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: cd %t.dir && %llmcc -O2 -c %s
// RUN: llvm-nm %t.dir/no-output-name.o | FileCheck %s
// RUN: not ls %S/no-output-name.o
// CHECK: T no_output_name
int no_output_name(int x) { return x ^ 5; }
