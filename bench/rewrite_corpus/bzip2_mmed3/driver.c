typedef unsigned char UChar;
UChar mmed3(UChar a, UChar b, UChar c);
#include "harness.h"

static void check_case(void) {
  for (int a = 0; a < 256; a += 5)
    for (int b = 0; b < 256; b += 3)
      for (int c = 0; c < 256; c += 7) see(mmed3((UChar)a, (UChar)b, (UChar)c));
  for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++) for (int c = 0; c < 4; c++)
    see(mmed3((UChar)(a * 85), (UChar)(b * 85), (UChar)(c * 85)));
}

static void time_case(void) {
  static UChar block[1 << 16];
  static int ready;
  if (!ready) { fill(block, sizeof block); ready = 1; }
  unsigned s = 0;
  for (unsigned r = 0; r < 4; r++)
    for (unsigned i = 0; i + 2 < sizeof block; i++) s += mmed3(block[i], block[(i * 7 + r) & 0xFFFF], block[i + 2]);
  sink += s;
}
