// -Werror turns a warning into an error exactly as clang does: same diagnostic, same
// exit code, no object (llmcc's internal compiles never add warnings of their own).
// RUN: rm -f %t.o
// RUN: %{python} %S/Inputs/exitcode.py %clang -O2 -Wall -Werror -c %s -o %t.o > %t.clang
// RUN: %{python} %S/Inputs/exitcode.py %llmcc -O2 -Wall -Werror -c %s -o %t.o > %t.llmcc
// RUN: diff %t.clang %t.llmcc
// RUN: FileCheck %s < %t.llmcc
// RUN: not ls %t.o
// CHECK: error: unused variable 'unused' [-Werror,-Wunused-variable]
// CHECK: exit=1
int f(int x)
{
    int unused;
    return x + 1;
}
