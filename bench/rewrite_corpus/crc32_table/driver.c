#include <stddef.h>
#include <stdint.h>
uint32_t crc32(const unsigned char *p, size_t n);
#include "harness.h"

static unsigned char buf[1 << 20];

static void check_case(void) {
  fill(buf, sizeof buf);
  for (size_t n = 0; n < 300; n++) see(crc32(buf + (n * 7) % 64, n));
  see(crc32(buf, sizeof buf));
  memset(buf, 0xFF, 4096);
  see(crc32(buf, 4096));
}

static void time_case(void) {
  static int ready;
  if (!ready) { fill(buf, sizeof buf); ready = 1; }
  sink += crc32(buf, sizeof buf);
}
