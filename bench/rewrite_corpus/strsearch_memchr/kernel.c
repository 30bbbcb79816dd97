/* From bench/kernels/strsearch.c: naive substring search counting matches. */

long count_matches(const char *t, long n, const char *p, long m) {
  long count = 0;
  for (long i = 0; i + m <= n; i++) {
    long j = 0;
    while (j < m && t[i + j] == p[j]) j++;
    if (j == m) count++;
  }
  return count;
}
