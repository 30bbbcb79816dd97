#include <stddef.h>
void add_one(int *dst, const int *src, size_t n) { for (size_t i = 0; i < n; i++) dst[i] = src[i] + 1; }
