/* Bit counting with a shift-and-test loop (as in MiBench bitcount); prints the total. */
#include <stdio.h>
#include <stdint.h>
#define N 30000000

int bitcount(uint32_t x) {
  int n = 0;
  for (int i = 0; i < 32; i++) n += (x >> i) & 1u;
  return n;
}

int main(void) {
  uint32_t x = 7;
  long total = 0;
  for (int i = 0; i < N; i++) { x = x * 1103515245u + 12345u; total += bitcount(x); }
  printf("%ld\n", total);
  return 0;
}
