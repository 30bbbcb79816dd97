#include <stddef.h>
float total(const float *a, size_t n) { float s = 0; for (size_t i = 0; i < n; i++) s += a[i]; return s; }
