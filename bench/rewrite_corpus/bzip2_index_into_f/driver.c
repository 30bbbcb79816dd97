typedef int Int32;
Int32 BZ2_indexIntoF(Int32 indx, Int32 *cftab);
#include "harness.h"

static Int32 cftab[257];

static void cumulative(int mode) {
  cftab[0] = 0;
  for (int i = 1; i <= 256; i++)
    cftab[i] = mode == 2 ? (Int32)rnd() : cftab[i - 1] + (mode == 0 ? (Int32)(rnd() % 1000) : (i % 3 == 0));
}

static void check_case(void) {
  for (int mode = 0; mode < 3; mode++) {
    cumulative(mode);
    for (int i = -5; i < 3000; i++) see((uint64_t)BZ2_indexIntoF(i, cftab));
    for (int i = 0; i < 5000; i++) see((uint64_t)BZ2_indexIntoF((Int32)rnd(), cftab));
    see((uint64_t)BZ2_indexIntoF(2147483647, cftab));
    see((uint64_t)BZ2_indexIntoF(-2147483647 - 1, cftab));
  }
}

static void time_case(void) {
  static int ready;
  if (!ready) { cumulative(0); ready = 1; }
  uint32_t x = 77; long s = 0; Int32 top = cftab[256];
  for (int i = 0; i < 5000000; i++) { x = x * 1664525u + 1013904223u; s += BZ2_indexIntoF((Int32)(x % (uint32_t)top), cftab); }
  sink += (uint64_t)s;
}
