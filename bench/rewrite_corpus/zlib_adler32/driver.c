#include <stddef.h>
unsigned long adler32_z(unsigned long adler, const unsigned char *buf, size_t len);
#include "harness.h"

static unsigned char data[3 * 5552 + 100];

static void check_case(void) {
  static const unsigned long starts[] = {1, 0, 0xFFFFFFFFul, 0xFFF0FFF0ul, 0x0000FFF1ul, 0xFFF10000ul,
                                         0x12345678ul, 0xFFFFFFFFFFFFFFFFul};
  /* every length up to 3 NMAX blocks and over, all 0xFF bytes (the largest sums) and random */
  for (int k = 0; k < 2; k++) {
    if (k == 0) memset(data, 0xFF, sizeof data); else fill(data, sizeof data);
    for (size_t len = 0; len <= sizeof data; len += (len < 300 ? 1 : len % 97 + 1))
      for (unsigned s = 0; s < sizeof starts / sizeof *starts; s++)
        see(adler32_z(starts[s], data + (len & 7), len > sizeof data - 8 ? sizeof data - 8 : len));
  }
  static const size_t edges[] = {15, 16, 17, 5551, 5552, 5553, 5568, 11104, 11105, 16656};
  for (unsigned i = 0; i < sizeof edges / sizeof *edges; i++) {
    memset(data, 0xFF, sizeof data);
    see(adler32_z(0xFFF0FFF0ul, data, edges[i]));
    fill(data, sizeof data);
    see(adler32_z(rnd(), data, edges[i]));
  }
  see(adler32_z(7, 0, 0));       /* NULL buffer: 1 */
  see(adler32_z(7, 0, 100));
  see(adler32_z(0xABCD1234ul, data, 1));
}

static void time_case(void) {
  static unsigned char big[1 << 16];
  static int ready;
  if (!ready) { fill(big, sizeof big); ready = 1; }
  unsigned long a = 1;
  for (int r = 0; r < 1000; r++) a = adler32_z(a, big + (r & 15), sizeof big - 16);
  sink += a;
}
