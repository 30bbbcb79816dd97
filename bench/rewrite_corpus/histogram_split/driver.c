#include <stdint.h>
void histogram(const unsigned char *p, unsigned n, uint32_t hist[256]);
#include "harness.h"

static unsigned char buf[1 << 20];
static uint32_t hist[256 + 64];

static void check_case(void) {
  for (int t = 0; t < 200; t++) {
    unsigned n = (unsigned)(rnd() % 5000);
    fill(buf, n);
    if (t % 3 == 0) memset(buf, (int)(rnd() & 0xFF), n / 2);      /* long runs of one byte */
    for (int b = 0; b < 256; b++) hist[b] = t % 5 == 0 ? 0xFFFFFFF0u : (uint32_t)rnd();
    histogram(buf, n, hist);
    see_bytes(hist, 256 * sizeof *hist);
  }
  for (int b = 0; b < 256 + 64; b++) hist[b] = (uint32_t)rnd() % 7;
  histogram((const unsigned char *)hist + 100, 600, hist);        /* the buffer is inside hist */
  see_bytes(hist, sizeof hist);
}

static void time_case(void) {
  static int ready;
  if (!ready) {
    uint32_t x = 99;
    /* image-like data: long runs of a few values, as in a dark photo */
    for (unsigned i = 0; i < sizeof buf; i++) { x = x * 1664525u + 1013904223u; buf[i] = (x >> 28) ? (unsigned char)(i >> 12) : (unsigned char)(x >> 16); }
    ready = 1;
  }
  static uint32_t h[256];
  histogram(buf, sizeof buf, h);
  sink += h[7];
}
