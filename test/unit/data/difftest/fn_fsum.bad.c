#include <stddef.h>
/* Wrong: accumulates in double, so rounding differs from the float reference. */
float total(const float *a, size_t n) { double s = 0; for (size_t i = 0; i < n; i++) s += a[i]; return (float)s; }
