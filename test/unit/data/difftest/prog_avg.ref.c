#include <stdio.h>
int main(void) {
  int a, b;
  while (scanf("%d %d", &a, &b) == 2) printf("%d\n", (int)(((long long)a + b) / 2));
  return 0;
}
