#include <stddef.h>
/* Wrong: restrict claims dst and src never overlap; callers may pass overlapping arrays. */
void add_one(int *restrict dst, const int *restrict src, size_t n) { for (size_t i = 0; i < n; i++) dst[i] = src[i] + 1; }
