/* Byte histogram of a generated buffer, repeated; prints a weighted checksum. */
#include <stdio.h>
#include <stdint.h>
#define LEN (1u << 20)
#define REPS 120
static unsigned char buf[LEN];

void histogram(const unsigned char *p, unsigned n, uint32_t hist[256]) {
  for (unsigned i = 0; i < n; i++) hist[p[i]]++;
}

int main(void) {
  uint32_t x = 99, hist[256] = {0};
  for (unsigned i = 0; i < LEN; i++) { x = x * 1664525u + 1013904223u; buf[i] = (unsigned char)((x >> 16) % 251); }
  for (int r = 0; r < REPS; r++) histogram(buf, LEN - (unsigned)r, hist);
  uint64_t sum = 0;
  for (int b = 0; b < 256; b++) sum += (uint64_t)hist[b] * (uint64_t)(b + 1);
  printf("%llu\n", (unsigned long long)sum);
  return 0;
}
