/* From bench/kernels/histogram.c: byte histogram of a buffer. */
#include <stdint.h>

void histogram(const unsigned char *p, unsigned n, uint32_t hist[256]) {
  uintptr_t pb = (uintptr_t)p, pe = pb + n, hb = (uintptr_t)hist, he = hb + 256 * sizeof(uint32_t);
  if (pe <= hb || he <= pb) {
    /* Four partial histograms break the store-to-load dependency between runs of equal
     * bytes; the counts are summed at the end (unsigned, so the wrap-around is the same). */
    uint32_t part[4][256] = {{0}};
    unsigned i = 0;
    for (; i + 4 <= n; i += 4) {
      part[0][p[i]]++;
      part[1][p[i + 1]]++;
      part[2][p[i + 2]]++;
      part[3][p[i + 3]]++;
    }
    for (; i < n; i++) part[0][p[i]]++;
    for (int b = 0; b < 256; b++) hist[b] += part[0][b] + part[1][b] + part[2][b] + part[3][b];
    return;
  }
  /* the buffer overlaps the histogram: every increment can change later bytes */
  for (unsigned i = 0; i < n; i++) hist[p[i]]++;
}
