// A compile error reaches the user as clang's own diagnostic with clang's exit code (1).
// RUN: %{python} %S/Inputs/exitcode.py %llmcc -O2 -c %s -o %t.o > %t.out
// RUN: FileCheck %s < %t.out
// RUN: %{python} %S/Inputs/exitcode.py %clang -O2 -c %s -o %t.o > %t.clang
// RUN: diff %t.clang %t.out
// CHECK: compile-error.c:[[@LINE+3]]:{{[0-9]+}}: error: use of undeclared identifier 'undeclared_thing'
// CHECK: 1 error generated.
// CHECK: exit=1
int broken(void) { return undeclared_thing; }
