/* Longest common subsequence by dynamic programming (two rows); prints the lengths. */
#include <stdio.h>
#include <stdint.h>
#define LA 10000
#define LB 10000
static char a[LA], b[LB];
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

int main(void) {
  uint32_t x = 11;
  for (int i = 0; i < LA; i++) { x = x * 1664525u + 1013904223u; a[i] = (char)('a' + (x >> 16) % 4); }
  for (int i = 0; i < LB; i++) { x = x * 1664525u + 1013904223u; b[i] = (char)('a' + (x >> 16) % 4); }
  printf("%d\n", lcs(a, LA, b, LB));
  return 0;
}
