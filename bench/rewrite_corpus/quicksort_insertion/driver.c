void quicksort(int *a, int lo, int hi);
#include "harness.h"

static int data[1 << 18];

static void check_case(void) {
  static const int sizes[] = {0, 1, 2, 3, 5, 16, 17, 18, 33, 100, 1000, 4097};
  for (unsigned s = 0; s < sizeof sizes / sizeof *sizes; s++)
    for (int mod = 0; mod < 3; mod++) {
      int n = sizes[s];
      for (int i = 0; i < n; i++) data[i] = mod == 0 ? (int)rnd() : mod == 1 ? (int)(rnd() % 5) : n - i;
      quicksort(data, 0, n - 1);
      see_bytes(data, (size_t)n * sizeof *data);
      data[0] = 3; data[1] = 1;
      quicksort(data, 5, 2);                /* lo > hi: untouched */
      see_bytes(data, 2 * sizeof *data);
    }
  quicksort(data, 17, -2147483647 - 1);    /* empty range with extreme bounds: a no-op */
  see_bytes(data, 64 * sizeof *data);
  for (int i = 0; i < 1000; i++) data[i] = (int)rnd();
  quicksort(data, 100, 599);                /* a sub-range only */
  see_bytes(data, 1000 * sizeof *data);
}

static void time_case(void) {
  uint32_t x = 12345;
  for (int i = 0; i < (1 << 18); i++) { x = x * 1664525u + 1013904223u; data[i] = (int)(x >> 1); }
  quicksort(data, 0, (1 << 18) - 1);
  sink += (uint64_t)data[12345];
}
