int luaO_utf8esc(char *buff, unsigned long x);
#include "harness.h"

static void check_case(void) {
  char b[8];
  static const unsigned long edges[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0x1FFFFF,
                                        0x200000, 0x3FFFFFF, 0x4000000, 0x7FFFFFFF, 0xD800, 0xDFFF};
  for (unsigned i = 0; i < sizeof edges / sizeof *edges; i++) {
    memset(b, 0x55, sizeof b);
    see((uint64_t)luaO_utf8esc(b, edges[i])); see_bytes(b, sizeof b);
  }
  for (int i = 0; i < 100000; i++) {
    unsigned long x = (unsigned long)(rnd() & 0x7FFFFFFF) >> (rnd() % 31);
    memset(b, 0x55, sizeof b);
    see((uint64_t)luaO_utf8esc(b, x)); see_bytes(b, sizeof b);
  }
}

static void time_case(void) {
  char b[8]; uint64_t s = 0; uint32_t x = 1;
  for (int i = 0; i < 5000000; i++) {
    x = x * 1664525u + 1013904223u;
    unsigned long cp = (x >> 28) < 10 ? (x >> 8) & 0x7FF : (x >> 12) & 0xFFFF;   /* mostly 2- and 3-byte */
    s += (uint64_t)luaO_utf8esc(b, cp) + (unsigned char)b[7];
  }
  sink += s;
}
