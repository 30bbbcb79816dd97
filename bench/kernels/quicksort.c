/* Recursive quicksort of LCG-generated ints; prints an order-sensitive checksum. */
#include <stdio.h>
#include <stdint.h>
#define N 1000000
static int data[N];

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

void quicksort(int *a, int lo, int hi) {
  while (lo < hi) {
    int pivot = a[lo + (hi - lo) / 2], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { swap(&a[i], &a[j]); i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}

int main(void) {
  uint32_t x = 12345;
  for (int i = 0; i < N; i++) { x = x * 1664525u + 1013904223u; data[i] = (int)(x >> 1); }
  quicksort(data, 0, N - 1);
  uint64_t h = 1469598103934665603ull;
  for (int i = 0; i < N; i += 7) h = (h ^ (uint32_t)data[i]) * 1099511628211ull;
  printf("%016llx\n", (unsigned long long)h);
  return 0;
}
