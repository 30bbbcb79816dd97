#include <stdio.h>
/* Wrong: shift instead of division differs on negative odd numbers. */
int main(void) { int x; while (scanf("%d", &x) == 1) printf("%d\n", x >> 1); return 0; }
