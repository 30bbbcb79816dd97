typedef unsigned char Bytef;
typedef unsigned int uInt;
void zmemcpy(Bytef* dest, const Bytef* source, uInt len);
#include "../harness.h"

static Bytef buf[1 << 16], dst[1 << 16];

static void check_case(void) {
  for (int t = 0; t < 2000; t++) {
    fill(buf, 1024);
    uInt len = (uInt)(rnd() % 400);
    int mode = (int)(rnd() % 3);
    size_t so = 200 + rnd() % 100, d;
    if (mode == 0) { memset(dst, 0, 1024); zmemcpy(dst + rnd() % 64, buf + so, len); see_bytes(dst, 1024); continue; }
    d = mode == 1 ? so + rnd() % 20 : so - rnd() % 20;   /* overlapping: dest after / before source */
    zmemcpy(buf + d, buf + so, len);
    see_bytes(buf, 1024);
  }
}

static void time_case(void) {
  static int ready;
  if (!ready) { fill(buf, sizeof buf); ready = 1; }
  for (int r = 0; r < 300; r++) { zmemcpy(dst, buf + (r & 7), sizeof dst - 8); sink += dst[r]; }
}
