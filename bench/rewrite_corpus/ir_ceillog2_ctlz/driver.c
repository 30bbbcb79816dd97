int luaO_ceillog2(unsigned int x);
#include "harness.h"

static void check_case(void) {
  for (unsigned x = 0; x < 70000; x++) see((uint64_t)luaO_ceillog2(x));
  for (int b = 0; b < 32; b++)
    for (int d = -2; d <= 2; d++) see((uint64_t)luaO_ceillog2((1u << b) + (unsigned)d));
  for (int i = 0; i < 100000; i++) see((uint64_t)luaO_ceillog2((unsigned)rnd() >> (rnd() % 32)));
}

static void time_case(void) {
  uint32_t x = 99; long s = 0;
  for (int i = 0; i < 10000000; i++) { x = x * 1664525u + 1013904223u; s += luaO_ceillog2(x >> (x & 31)); }
  sink += (uint64_t)s;
}
