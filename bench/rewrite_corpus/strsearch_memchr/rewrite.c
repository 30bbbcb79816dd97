/* From bench/kernels/strsearch.c: naive substring search counting matches. */
#include <string.h>

/* The plain scan, kept for the degenerate pattern lengths (m <= 0). */
static long count_naive(const char *t, long n, const char *p, long m) {
  long count = 0;
  for (long i = 0; i + m <= n; i++) {
    long j = 0;
    while (j < m && t[i + j] == p[j]) j++;
    if (j == m) count++;
  }
  return count;
}

long count_matches(const char *t, long n, const char *p, long m) {
  if (m <= 0)
    return count_naive(t, n, p, m);
  if (m > n)
    return 0;
  long count = 0;
  const char first = p[0];
  const char *s = t, *last = t + (n - m);   /* last position a match can start at */
  while (s <= last) {
    const char *hit = memchr(s, first, (size_t)(last - s) + 1);
    if (!hit)
      break;
    long j = 1;                      /* hit[0] == p[0]; compare the rest in order */
    while (j < m && hit[j] == p[j]) j++;
    if (j == m)
      count++;
    s = hit + 1;
  }
  return count;
}
