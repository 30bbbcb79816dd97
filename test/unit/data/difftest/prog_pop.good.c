#include <stdio.h>
int main(void) { long x; long t = 0; while (scanf("%ld", &x) == 1) t += __builtin_popcount((unsigned)x); printf("%ld\n", t); return 0; }
