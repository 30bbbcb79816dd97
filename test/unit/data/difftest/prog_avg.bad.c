#include <stdio.h>
/* Wrong: a + b overflows on large inputs. */
int main(void) {
  int a, b;
  while (scanf("%d %d", &a, &b) == 2) printf("%d\n", (a + b) / 2);
  return 0;
}
