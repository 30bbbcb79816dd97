/* From bench/kernels/bitcount.c: bit counting with a shift-and-test loop (MiBench bitcount). */
#include <stdint.h>

int bitcount(uint32_t x) {
  int n = 0;
  for (int i = 0; i < 32; i++) n += (x >> i) & 1u;
  return n;
}
