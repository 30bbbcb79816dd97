// A bad config value gives one error line naming the key, and the object is still built
// (a broken llmcc setting never breaks the user's build).
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: echo 'mode = "bogus"' > %t.dir/.llmcc.toml
// RUN: cd %t.dir && %llmcc -O2 -c %s -o %t.dir/out.o 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: count 1 < %t.err
// RUN: llvm-nm %t.dir/out.o | FileCheck %s --check-prefix=NM
// CHECK: mode
// CHECK-SAME: bogus
// NM: T still_built
int still_built(int x) { return x + 9; }
