// LLMCC_DISABLE=1 makes llmcc a pure pass-through: the object is clang's, byte for byte.
// RUN: %clang -O2 -c %s -o %t.clang.o
// RUN: env LLMCC_DISABLE=1 %llmcc -O2 -c %s -o %t.o
// RUN: cmp %t.clang.o %t.o
int f(int x) { return x * 13; }
