#include <stddef.h>
/* Wrong: off-by-one loop bound drops the last element. */
long sum(const int *a, size_t n) { long s = 0; for (size_t i = 0; i + 1 < n; i++) s += a[i]; return s; }
