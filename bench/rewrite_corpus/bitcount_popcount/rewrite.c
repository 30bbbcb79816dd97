/* From bench/kernels/bitcount.c: bit counting with a shift-and-test loop (MiBench bitcount). */
#include <stdint.h>

int bitcount(uint32_t x) {
  return __builtin_popcount(x);
}
