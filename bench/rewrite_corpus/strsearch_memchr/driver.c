#include <stddef.h>
long count_matches(const char *t, long n, const char *p, long m);
#include "harness.h"

static char text[1 << 20];

static void make_text(const char *alphabet, size_t k) {
  for (size_t i = 0; i < sizeof text; i++) text[i] = alphabet[rnd() % k];
}

static void check_case(void) {
  static const char *pats[] = {"a", "ab", "abcab", "aab", "bbbb", "abcabcab", "c", "zz", "\xff\x01", "abcabcabcabcabcabca"};
  make_text("abc\xff\x01", 5);
  for (long n = 0; n < 200; n++)
    for (unsigned k = 0; k < sizeof pats / sizeof *pats; k++)
      see((uint64_t)count_matches(text + n % 7, n, pats[k], (long)strlen(pats[k])));
  for (unsigned k = 0; k < sizeof pats / sizeof *pats; k++)
    see((uint64_t)count_matches(text, sizeof text, pats[k], (long)strlen(pats[k])));
  see((uint64_t)count_matches(text, 100, "ab", 0));      /* m == 0: every position counts */
  see((uint64_t)count_matches(text, 100, "ab", -3));     /* m < 0: nothing matches */
  see((uint64_t)count_matches(text, 5, "abcabcab", 8));  /* m > n */
}

static void time_case(void) {
  static int ready;
  if (!ready) { make_text("abcdefghijklmnopqrstuvwxyz", 26); ready = 1; }
  static const char *pats[] = {"abcab", "aab", "cabca", "bbbb", "abcabcab"};
  for (int k = 0; k < 5; k++) sink += (uint64_t)count_matches(text, sizeof text, pats[k], (long)strlen(pats[k]));
}
