typedef int Int32;
typedef unsigned char UChar;
void BZ2_hbAssignCodes(Int32 *code, UChar *length, Int32 minLen, Int32 maxLen, Int32 alphaSize);
#include "harness.h"

static Int32 code[300];
static UChar length[300];

static void check_case(void) {
  for (int t = 0; t < 3000; t++) {
    int alpha = (int)(rnd() % 259);
    int lo = (int)(rnd() % 8) - 2, hi = lo + (int)(rnd() % 22) - 3;
    for (int i = 0; i < alpha; i++) length[i] = (UChar)(rnd() % 4 == 0 ? rnd() : 1 + rnd() % 20);
    for (int i = 0; i < 300; i++) code[i] = -7;
    BZ2_hbAssignCodes(code, length, lo, hi, alpha);
    see_bytes(code, sizeof code);
  }
  /* code overlapping length (through a byte view of code) */
  UChar *bytes = (UChar *)code;
  for (int i = 0; i < 200; i++) bytes[i] = (UChar)(1 + rnd() % 6);
  BZ2_hbAssignCodes(code + 10, bytes, 1, 6, 120);
  see_bytes(code, sizeof code);
}

static void time_case(void) {
  static int ready;
  if (!ready) { for (int i = 0; i < 258; i++) length[i] = (UChar)(2 + rnd() % 16); ready = 1; }
  for (int r = 0; r < 2000; r++) { BZ2_hbAssignCodes(code, length, 2, 17, 258); sink += (uint64_t)code[r % 258]; }
}
