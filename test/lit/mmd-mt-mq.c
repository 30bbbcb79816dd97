// -MMD with -MT and -MQ (quoted target): .d identical to clang's.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: %clang -O2 -I%S/Inputs -MMD -MT custom-target -MQ 'dollar$target' -MF %t.dir/clang.d -c %s -o %t.dir/out.o
// RUN: %llmcc -O2 -I%S/Inputs -MMD -MT custom-target -MQ 'dollar$target' -MF %t.dir/llmcc.d -c %s -o %t.dir/out.o
// RUN: diff %t.dir/clang.d %t.dir/llmcc.d
// RUN: FileCheck %s < %t.dir/llmcc.d
// CHECK: custom-target dollar$$target: {{.*}}mmd-mt-mq.c
#include "header.h"
int f(int x) { return x * SCALE; }
