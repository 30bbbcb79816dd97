// -MD without -MF names the .d after the object (out.d next to out.o), like clang.
// RUN: rm -rf %t.clang %t.llmcc && mkdir -p %t.clang %t.llmcc
// RUN: %clang -O2 -I%S/Inputs -MD -c %s -o %t.clang/out.o
// RUN: %llmcc -O2 -I%S/Inputs -MD -c %s -o %t.llmcc/out.o
// RUN: FileCheck %s < %t.llmcc/out.d
// RUN: sed -e 's|%t.clang|DIR|' %t.clang/out.d > %t.clang.d
// RUN: sed -e 's|%t.llmcc|DIR|' %t.llmcc/out.d > %t.llmcc.d
// RUN: diff %t.clang.d %t.llmcc.d
// CHECK: out.o:
// CHECK-NEXT: md-default-name.c
#include "header.h"
int f(int x) { return x * SCALE; }
