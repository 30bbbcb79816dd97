unsigned bi_reverse(unsigned code, int len);
#include "harness.h"

static void check_case(void) {
  static const unsigned codes[] = {0, 1, 2, 0x8000u, 0xFFFFu, 0x80000000u, 0xFFFFFFFFu, 0x12345678u};
  for (int len = -3; len <= 40; len++) {
    for (unsigned c = 0; c < sizeof codes / sizeof *codes; c++) see(bi_reverse(codes[c], len));
    for (int i = 0; i < 2000; i++) see(bi_reverse((unsigned)rnd(), len));
  }
  see(bi_reverse(0xFFFFFFFFu, -2147483647 - 1));
  see(bi_reverse(0xFFFFFFFFu, 2147483647));
}

static void time_case(void) {
  uint32_t x = 5; unsigned s = 0;
  for (int i = 0; i < 10000000; i++) { x = x * 1664525u + 1013904223u; s += bi_reverse(x >> 8, 1 + (int)(x >> 28) % 15); }
  sink += s;
}
