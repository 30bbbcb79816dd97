/* From bench/kernels/histogram.c: byte histogram of a buffer. */
#include <stdint.h>

void histogram(const unsigned char *p, unsigned n, uint32_t hist[256]) {
  for (unsigned i = 0; i < n; i++) hist[p[i]]++;
}
