/* Naive substring search counting matches of several patterns in generated text. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#define LEN (3u << 20)
static char text[LEN + 1];

long count_matches(const char *t, long n, const char *p, long m) {
  long count = 0;
  for (long i = 0; i + m <= n; i++) {
    long j = 0;
    while (j < m && t[i + j] == p[j]) j++;
    if (j == m) count++;
  }
  return count;
}

int main(void) {
  uint32_t x = 3;
  for (unsigned i = 0; i < LEN; i++) { x = x * 1664525u + 1013904223u; text[i] = "abcab"[(x >> 16) % 5]; }
  const char *patterns[] = {"abcab", "aab", "cabca", "bbbb", "abcabcab"};
  long total = 0;
  for (int p = 0; p < 5; p++) total += count_matches(text, LEN, patterns[p], (long)strlen(patterns[p])) * (p + 1);
  printf("%ld\n", total);
  return 0;
}
