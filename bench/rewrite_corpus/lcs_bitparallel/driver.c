int lcs(const char *s, int n, const char *t, int m);
#include "harness.h"

static char sa[10000], ta[10000];

static void make(char *p, int n, int k) {          /* k letters from 'a', or any byte if k == 0 */
  for (int i = 0; i < n; i++) p[i] = k ? (char)('a' + rnd() % (unsigned)k) : (char)(rnd() >> 56);
}

static void check_case(void) {
  /* every small size pair, over 1, 2, 4 letters and all bytes (signed chars included) */
  static const int ks[] = {1, 2, 4, 0};
  for (int n = 0; n <= 70; n++)
    for (int m = 0; m <= 140; m += (m < 70 ? 1 : 7))
      for (int k = 0; k < 4; k++) {
        make(sa, n, ks[k]); make(ta, m, ks[k]);
        see((uint64_t)lcs(sa, n, ta, m));
      }
  /* word boundaries and the largest row */
  static const int ms[] = {63, 64, 65, 127, 128, 129, 1000, 4095, 4096, 4097, 9999, 10000};
  for (unsigned i = 0; i < sizeof ms / sizeof *ms; i++)
    for (int k = 0; k < 4; k++) {
      int n = 1 + (int)(rnd() % 300);
      make(sa, n, ks[k]); make(ta, ms[i], ks[k]);
      see((uint64_t)lcs(sa, n, ta, ms[i]));
      see((uint64_t)lcs(ta, ms[i], sa, n));
    }
  make(sa, 3000, 4); make(ta, 3000, 4);
  see((uint64_t)lcs(sa, 3000, ta, 3000));
  see((uint64_t)lcs(sa, 3000, sa, 3000));            /* the same buffer twice */
  see((uint64_t)lcs(sa, 2000, sa + 500, 2500));      /* overlapping */
  see((uint64_t)lcs(sa, -5, 0, 10));                 /* n <= 0: t is never read */
  see((uint64_t)lcs(sa, 0, 0, 0));
}

static void time_case(void) {
  static int ready;
  if (!ready) { make(sa, 2000, 4); make(ta, 2000, 4); ready = 1; }
  for (int r = 0; r < 8; r++) sink += (uint64_t)lcs(sa + r, 2000 - r, ta, 2000);
}
