#include <stdio.h>
/* Wrong: off-by-one, reads one number fewer than announced. */
int main(void) {
  long n = 0, s = 0, x;
  if (scanf("%ld", &n) != 1) n = 0;
  for (long i = 1; i < n; i++) { if (scanf("%ld", &x) != 1) break; s += x; }
  printf("%ld\n", s);
  return 0;
}
