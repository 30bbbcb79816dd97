// -save-temps keeps clang's intermediate files, with clang's names and contents.
// RUN: rm -rf %t.clang %t.llmcc && mkdir -p %t.clang %t.llmcc
// RUN: cd %t.clang && %clang -O2 -save-temps -c %s
// RUN: cd %t.llmcc && %llmcc -O2 -save-temps -c %s
// RUN: diff %t.clang/save-temps.i %t.llmcc/save-temps.i
// RUN: diff %t.clang/save-temps.s %t.llmcc/save-temps.s
// RUN: cmp %t.clang/save-temps.bc %t.llmcc/save-temps.bc
// RUN: cmp %t.clang/save-temps.o %t.llmcc/save-temps.o
int sum_squares(const int *v, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i] * v[i];
    return s;
}
