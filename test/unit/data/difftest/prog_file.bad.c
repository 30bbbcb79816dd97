#include <stdio.h>
/* Wrong: the file is written with the count only (a dropped part of the output). */
int main(void) {
  long x, s = 0, c = 0;
  while (scanf("%ld", &x) == 1) { s += x; c++; }
  FILE *f = fopen("stats.txt", "w");
  if (f) { fprintf(f, "%ld\n", c); fclose(f); }
  printf("done\n");
  return 0;
}
