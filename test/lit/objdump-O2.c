// At -O2 with nothing better found (mode off: baseline only; mode score: scoring only),
// llmcc's object has clang's machine code, instruction for instruction.
// RUN: %clang -O2 -c %S/Inputs/hot.c -o %t.o
// RUN: llvm-objdump -d -r %t.o > %t.clang.dis
// RUN: env LLMCC_MODE=off %llmcc -O2 -c %S/Inputs/hot.c -o %t.o
// RUN: llvm-objdump -d -r %t.o > %t.off.dis
// RUN: diff %t.clang.dis %t.off.dis
// RUN: env LLMCC_MODE=score %llmcc -O2 -c %S/Inputs/hot.c -o %t.o
// RUN: llvm-objdump -d -r %t.o > %t.score.dis
// RUN: diff %t.clang.dis %t.score.dis
// RUN: FileCheck %s < %t.score.dis
// CHECK-LABEL: <checksum>:
// CHECK-LABEL: <dot>:
