#include <stddef.h>
/* Wrong: the store to hi is dropped for the last element. */
void split(const int *src, int *lo, int *hi, size_t n) {
  for (size_t i = 0; i < n; i++) { lo[i] = src[i] & 0xffff; if (i + 1 < n) hi[i] = src[i] >> 16; }
}
