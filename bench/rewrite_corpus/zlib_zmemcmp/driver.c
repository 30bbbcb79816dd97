typedef unsigned char Bytef;
typedef unsigned int uInt;
int zmemcmp(const Bytef* s1, const Bytef* s2, uInt len);
#include "harness.h"

static Bytef a[1 << 16], b[1 << 16];

static void check_case(void) {
  fill(a, sizeof a);
  for (int t = 0; t < 3000; t++) {
    uInt len = (uInt)(rnd() % 300);
    memcpy(b, a, len + 1);
    if (len && rnd() % 3) b[rnd() % len] ^= (Bytef)(1 + rnd() % 255);   /* one differing byte */
    see((uint64_t)(int64_t)zmemcmp(a, b, len));
    see((uint64_t)(int64_t)zmemcmp(b, a, len));
  }
  see((uint64_t)(int64_t)zmemcmp(a, a, sizeof a));
  b[0] = 0x80; a[0] = 0x7F;                                            /* signedness of bytes */
  see((uint64_t)(int64_t)zmemcmp(a, b, 1));
}

static void time_case(void) {
  static int ready;
  if (!ready) { fill(a, sizeof a); memcpy(b, a, sizeof a); b[sizeof b - 1] ^= 1; ready = 1; }
  for (int r = 0; r < 200; r++) sink += (uint64_t)zmemcmp(a, b, sizeof a);
}
