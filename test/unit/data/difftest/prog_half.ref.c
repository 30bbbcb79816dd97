#include <stdio.h>
int main(void) { int x; while (scanf("%d", &x) == 1) printf("%d\n", x / 2); return 0; }
