/* Hot kernels next to cold helpers: the scorer must rank the loop nests first.
 * noinline keeps the kernels out of main, as in a real multi-function program. */
#include <stdio.h>

#define N 96
static double A[N][N], B[N][N], C[N][N];

int get_value(const int *p) { return *p; }

__attribute__((noinline)) void matmul(int n, double a[n][n], double b[n][n], double c[n][n]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++)
        s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}

void print_result(double x, int tag) {
  printf("result %d: %f\n", tag, x);
  fflush(stdout);
}

__attribute__((noinline)) void dump_values(const int *v, int n) {
  for (int i = 0; i < n; i++)
    printf("%d\n", v[i]);
}

__attribute__((noinline)) unsigned hash_bytes(const unsigned char *s, int len) {
  unsigned h = 2166136261u;
  for (int i = 0; i < len; i++)
    h = (h ^ s[i]) * 16777619u;
  return h;
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = i + j;
      B[i][j] = i - j;
    }
  matmul(N, A, B, C);
  print_result(C[3][5], (int)hash_bytes((const unsigned char *)C, 64));
  return 0;
}
