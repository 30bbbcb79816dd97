#include <stddef.h>
void split(const int *src, int *lo, int *hi, size_t n) {
  for (size_t i = 0; i < n; i++) { lo[i] = src[i] & 0xffff; hi[i] = src[i] >> 16; }
}
