// -Wp,-MD,file (the Linux kernel's / autotools' form) writes the same .d as clang.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O2 -I%S/Inputs -Wp,-MD,%t.dir/clang.d -c %s -o %t.dir/out.o
// RUN: %llmcc -O2 -I%S/Inputs -Wp,-MD,%t.dir/llmcc.d -c %s -o %t.dir/out.o
// RUN: diff %t.dir/clang.d %t.dir/llmcc.d
// RUN: FileCheck %s < %t.dir/llmcc.d
// Where make-style lines wrap depends on the path lengths, so no line structure is assumed.
// CHECK: out.o:
// CHECK: wp-md.c
// CHECK: header.h
#include "header.h"
int f(int x) { return x * SCALE; }
