#include <stdint.h>
int bitcount(uint32_t x);
#include "harness.h"

static void check_case(void) {
  static const uint32_t edges[] = {0, 1, 2, 3, 0x80000000u, 0x7FFFFFFFu, 0xFFFFFFFFu, 0x55555555u, 0xAAAAAAAAu};
  for (unsigned i = 0; i < sizeof edges / sizeof *edges; i++) see((uint64_t)bitcount(edges[i]));
  for (int i = 0; i < 100000; i++) see((uint64_t)bitcount((uint32_t)rnd()));
}

static void time_case(void) {
  uint32_t x = 7; long total = 0;
  for (int i = 0; i < 20000000; i++) { x = x * 1103515245u + 12345u; total += bitcount(x); }
  sink += (uint64_t)total;
}
