#include <stdio.h>
static int pop(unsigned x) { int c = 0; while (x) { c += x & 1; x >>= 1; } return c; }
int main(void) { long x; long t = 0; while (scanf("%ld", &x) == 1) t += pop((unsigned)x); printf("%ld\n", t); return 0; }
