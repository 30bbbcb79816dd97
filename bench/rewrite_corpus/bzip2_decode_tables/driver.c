typedef int Int32;
typedef unsigned char UChar;
void BZ2_hbCreateDecodeTables(Int32 *limit, Int32 *base, Int32 *perm, UChar *length,
                              Int32 minLen, Int32 maxLen, Int32 alphaSize);
#include "harness.h"

static Int32 limit[23], base[23], perm[300];
static UChar length[300];

static void check_case(void) {
  for (int t = 0; t < 3000; t++) {
    int alpha = (int)(rnd() % 259);
    int lo = (int)(rnd() % 6), hi = lo + (int)(rnd() % 20) - 2;
    if (hi > 20) hi = 20;
    for (int i = 0; i < alpha; i++) length[i] = (UChar)(1 + rnd() % 20);
    for (int i = 0; i < 300; i++) perm[i] = -3;
    BZ2_hbCreateDecodeTables(limit, base, perm, length, lo, hi, alpha);
    see_bytes(limit, sizeof limit); see_bytes(base, sizeof base); see_bytes(perm, sizeof perm);
  }
  /* perm overlapping length (a byte view of perm) */
  UChar *bytes = (UChar *)perm;
  for (int i = 0; i < 200; i++) bytes[i] = (UChar)(1 + rnd() % 6);
  BZ2_hbCreateDecodeTables(limit, base, perm + 5, bytes, 1, 6, 150);
  see_bytes(limit, sizeof limit); see_bytes(base, sizeof base); see_bytes(perm, sizeof perm);
}

static void time_case(void) {
  static int ready;
  if (!ready) { for (int i = 0; i < 258; i++) length[i] = (UChar)(2 + rnd() % 16); ready = 1; }
  for (int r = 0; r < 2000; r++) { BZ2_hbCreateDecodeTables(limit, base, perm, length, 2, 17, 258); sink += (uint64_t)perm[r % 258]; }
}
