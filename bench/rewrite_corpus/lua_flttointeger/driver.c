#include <math.h>
int luaV_flttointeger(double n, long long *p, int mode);
#include "harness.h"

static void one(double n, int mode) {
  long long v = 0x5A5A5A5A5A5A5A5ALL;
  see((uint64_t)luaV_flttointeger(n, &v, mode));
  see((uint64_t)v);
}

static void check_case(void) {
  static const double edges[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.5, -2.5, 0.9999999999999999,
                                 -0.9999999999999999, 4503599627370495.5, -4503599627370495.5, 4503599627370496.0,
                                 9007199254740993.0, 9223372036854775807.0, 9223372036854774784.0,
                                 -9223372036854775808.0, -9223372036854777856.0, 1e300, -1e300, 5e-324, -5e-324,
                                 HUGE_VAL, -HUGE_VAL, NAN, -NAN};
  for (unsigned i = 0; i < sizeof edges / sizeof *edges; i++)
    for (int mode = -1; mode <= 3; mode++) one(edges[i], mode);
  for (int i = 0; i < 200000; i++) {
    uint64_t r = rnd();
    double n;
    switch (r % 4) {
      case 0: memcpy(&n, &r, sizeof n); break;                          /* any bit pattern */
      case 1: n = (double)(int64_t)(rnd() >> (r >> 8) % 64) / 1024.0; break;
      case 2: n = ldexp((double)(rnd() >> 11), (int)(r >> 8) % 80 - 52) * ((r >> 16) & 1 ? -1 : 1); break;
      default: n = (double)(int64_t)rnd(); break;                        /* near the ends */
    }
    one(n, (int)(r >> 32) % 3);
  }
}

static void time_case(void) {
  static double vals[4096];
  static int ready;
  if (!ready) {                     /* float keys and loop limits: 3 in 4 fractional */
    uint32_t x = 7;
    for (int i = 0; i < 4096; i++) {
      x = x * 1664525u + 1013904223u;
      vals[i] = (double)(int32_t)x / ((x & 3) ? 256.0 : 1.0);
    }
    ready = 1;
  }
  long long v, s = 0;
  for (int r = 0; r < 1500; r++)
    for (int i = 0; i < 4096; i++)
      if (luaV_flttointeger(vals[i], &v, (i + r) % 3)) s += v;
  sink += (uint64_t)s;
}
