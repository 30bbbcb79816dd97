// A plain warning is printed once, exactly like clang's, and the object is still built.
// RUN: %clang -O2 -Wall -c %s -o %t.clang.o 2> %t.clang.err
// RUN: %llmcc -O2 -Wall -c %s -o %t.o 2> %t.llmcc.err
// RUN: diff %t.clang.err %t.llmcc.err
// RUN: FileCheck %s < %t.llmcc.err
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=NM
// CHECK-COUNT-1: warning: unused variable 'unused'
// CHECK-NOT: warning:
// NM: T f
int f(int x)
{
    int unused;
    return x + 1;
}
