/* From bench/kernels/lcs.c: the length of the longest common subsequence of s[0..n) and
 * t[0..m), by dynamic programming over two rows (static, sized for m <= LB). */
#define LB 10000
static int prev[LB + 1], cur[LB + 1];

#include <stdint.h>

#define LCS_MAXW 64     /* fast path: m <= 64 * LCS_MAXW */
#define LCS_MAXC 32     /* and at most this many distinct characters in t */

static int lcs_dp(const char *s, int n, const char *t, int m) {
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

int lcs(const char *s, int n, const char *t, int m) {
  if (m < 0 || m > LB)
    return lcs_dp(s, n, t, m);      /* the original's out-of-range rows: keep its code */
  if (n <= 0 || m == 0) {            /* the original's rows: prev zeroed, cur[0] = 0 if n > 0 */
    for (int j = 0; j <= m; j++) prev[j] = 0;
    if (n > 0) cur[0] = 0;
    return 0;
  }
  if (m > 64 * LCS_MAXW)
    return lcs_dp(s, n, t, m);
  int words = (m + 63) / 64;
  unsigned char row[256];           /* character -> its row of match masks, 0xFF: none */
  uint64_t match[LCS_MAXC][LCS_MAXW];
  int rows = 0;
  for (int c = 0; c < 256; c++) row[c] = 0xFF;
  for (int j = 0; j < m; j++) {
    unsigned char c = (unsigned char)t[j];
    if (row[c] == 0xFF) {
      if (rows == LCS_MAXC)
        return lcs_dp(s, n, t, m);  /* too many distinct characters for the table */
      row[c] = (unsigned char)rows;
      for (int w = 0; w < words; w++) match[rows][w] = 0;
      rows++;
    }
    match[row[c]][j >> 6] |= (uint64_t)1 << (j & 63);
  }
  uint64_t v[LCS_MAXW];
  for (int w = 0; w < words; w++) v[w] = ~(uint64_t)0;
  for (int i = 0; i < n; i++) {
    unsigned char r = row[(unsigned char)s[i]];
    if (r == 0xFF) continue;        /* no match anywhere: (V + 0) | V == V */
    const uint64_t *mc = match[r];
    uint64_t carry = 0;
    for (int w = 0; w < words; w++) {
      uint64_t x = v[w], u = x & mc[w];
      uint64_t sum = x + u;
      uint64_t out = sum < x;
      sum += carry;
      out |= sum < carry;
      carry = out;
      v[w] = sum | (x & ~mc[w]);
    }
  }
  /* Leave the last DP row in prev and cur, as the original does: column j holds the
   * number of zero bits among the low j bits of V. */
  int run = 0;
  prev[0] = cur[0] = 0;
  for (int j = 1; j <= m; j++) {
    run += !((v[(j - 1) >> 6] >> ((j - 1) & 63)) & 1);
    prev[j] = cur[j] = run;
  }
  return run;
}
