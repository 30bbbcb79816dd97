typedef unsigned int z_crc_t;
z_crc_t multmodp(z_crc_t a, z_crc_t b);
#include "harness.h"

static void check_case(void) {
  static const z_crc_t edges[] = {1, 2, 3, 0x80000000u, 0x80000001u, 0xFFFFFFFFu, 0xedb88320u, 0x40000000u};
  for (unsigned i = 0; i < 8; i++)
    for (unsigned j = 0; j < 8; j++) see(multmodp(edges[i], edges[j]));
  for (unsigned j = 0; j < 8; j++) see(multmodp(edges[j], 0));
  for (int i = 0; i < 100000; i++) {
    z_crc_t a = (z_crc_t)rnd() >> (rnd() % 32);
    see(multmodp(a ? a : 1, (z_crc_t)rnd()));
  }
}

static void time_case(void) {
  uint32_t x = 3, s = 0;
  for (int i = 0; i < 1000000; i++) { x = x * 1664525u + 1013904223u; s ^= multmodp(x | 1u << (x & 31), s + x); }
  sink += s;
}
