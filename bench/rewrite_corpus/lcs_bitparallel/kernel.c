/* From bench/kernels/lcs.c: the length of the longest common subsequence of s[0..n) and
 * t[0..m), by dynamic programming over two rows (static, sized for m <= LB). */
#define LB 10000
static int prev[LB + 1], cur[LB + 1];

int lcs(const char *s, int n, const char *t, int m) {
  for (int j = 0; j <= m; j++) prev[j] = 0;
  for (int i = 1; i <= n; i++) {
    cur[0] = 0;
    for (int j = 1; j <= m; j++) {
      int best = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
      cur[j] = s[i - 1] == t[j - 1] ? prev[j - 1] + 1 : best;
    }
    for (int j = 0; j <= m; j++) prev[j] = cur[j];
  }
  return prev[m];
}
