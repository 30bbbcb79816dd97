unsigned syncsearch(unsigned *have, const unsigned char *buf, unsigned len);
#include "harness.h"

static unsigned char buf[1 << 20];

static void check_case(void) {
  for (int t = 0; t < 3000; t++) {
    unsigned len = (unsigned)(rnd() % 200);
    for (unsigned i = 0; i < len; i++) { uint64_t r = rnd() % 8; buf[i] = r < 3 ? 0 : r < 6 ? 0xFF : (unsigned char)rnd(); }
    unsigned have = (unsigned)(rnd() % 6);            /* 4 and 5: nothing to do */
    see(syncsearch(&have, buf, len));
    see(have);
  }
  fill(buf, sizeof buf);
  unsigned have = 0;
  see(syncsearch(&have, buf, sizeof buf)); see(have);
}

static void time_case(void) {
  static int ready;
  if (!ready) { fill(buf, sizeof buf); for (unsigned i = 0; i < sizeof buf; i++) if (buf[i] == 0) buf[i] = 1; ready = 1; }
  unsigned have = 0;
  sink += syncsearch(&have, buf, sizeof buf) + have;
}
