// Launcher form (CMAKE_C_COMPILER_LAUNCHER): `llmcc <compiler> args` uses that compiler,
// given as a path or as a name on PATH.
// RUN: %llmcc %clang -O2 -c %s -o %t.path.o
// RUN: llvm-nm %t.path.o | FileCheck %s
// RUN: %llmcc clang-22 -O2 -c %s -o %t.name.o
// RUN: llvm-nm %t.name.o | FileCheck %s
// RUN: %llmcc %clang --version > %t.version
// RUN: %clang --version > %t.clang.version
// RUN: diff %t.clang.version %t.version
// CHECK: T launched
int launched(int x) { return x - 3; }
