// -E output is identical to clang's.
// RUN: %clang -E -I%S/Inputs %s -o %t.clang.i
// RUN: %llmcc -E -I%S/Inputs %s -o %t.llmcc.i
// RUN: diff %t.clang.i %t.llmcc.i
// RUN: FileCheck %s < %t.llmcc.i
// CHECK: int f(int x) { return x * 3; }
#include "header.h"
int f(int x) { return x * SCALE; }
