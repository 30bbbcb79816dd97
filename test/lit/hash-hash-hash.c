// -### prints clang's job list without running it; llmcc must not interfere, even for an
// -O2 compile that would otherwise be an optimization candidate.
// RUN: %clang -### -O2 -c %s -o %t.o 2> %t.clang
// RUN: %llmcc -### -O2 -c %s -o %t.o 2> %t.llmcc
// RUN: diff %t.clang %t.llmcc
// RUN: FileCheck %s < %t.llmcc
// RUN: not ls %t.o
// CHECK: "-cc1"
// CHECK-SAME: "-O2"
int f(void) { return 1; }
