// -MD -MP adds a phony target per header; identical to clang's.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O2 -I%S/Inputs -MD -MP -MF %t.dir/clang.d -c %s -o %t.dir/out.o
// RUN: %llmcc -O2 -I%S/Inputs -MD -MP -MF %t.dir/llmcc.d -c %s -o %t.dir/out.o
// RUN: diff %t.dir/clang.d %t.dir/llmcc.d
// RUN: FileCheck %s < %t.dir/llmcc.d
// CHECK: out.o:
// CHECK: {{^}}{{.*}}header.h:{{$}}
#include "header.h"
int f(int x) { return x * SCALE; }
