// At -O3 the baseline object equals clang -O3's (machine code and relocations).
// RUN: %clang -O3 -c %S/Inputs/hot.c -o %t.o
// RUN: llvm-objdump -d -r %t.o > %t.clang.dis
// RUN: env LLMCC_MODE=off %llmcc -O3 -c %S/Inputs/hot.c -o %t.o
// RUN: llvm-objdump -d -r %t.o > %t.off.dis
// RUN: diff %t.clang.dis %t.off.dis
// RUN: env LLMCC_MODE=score %llmcc -O3 -c %S/Inputs/hot.c -o %t.o
// RUN: llvm-objdump -d -r %t.o > %t.score.dis
// RUN: diff %t.clang.dis %t.score.dis
// RUN: FileCheck %s < %t.score.dis
// CHECK-LABEL: <checksum>:
// CHECK-LABEL: <dot>:
