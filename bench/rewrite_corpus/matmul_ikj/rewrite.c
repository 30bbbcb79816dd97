/* From bench/kernels/matmul.c: dense double matrix multiply. */
#include <stdint.h>
#define N 450

/* Whether the first n rows of x and y share no byte. */
static int rows_disjoint(int n, const double (*x)[N], const double (*y)[N]) {
  uintptr_t xb = (uintptr_t)x, xe = (uintptr_t)(x + n), yb = (uintptr_t)y, ye = (uintptr_t)(y + n);
  return xe <= yb || ye <= xb;
}

void matmul(int n, double a[N][N], double b[N][N], double c[N][N]) {
  if (n > 0 && n <= N && rows_disjoint(n, c, a) && rows_disjoint(n, c, b)) {
    /* i-k-j order: the inner loop walks rows of b and c contiguously (and vectorizes).
     * Each c[i][j] still receives 0.0 + a[i][0]*b[0][j] + a[i][1]*b[1][j] + ... in the
     * same order, so every rounding step is the same as in the dot-product loop. */
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) c[i][j] = 0.0;
      for (int k = 0; k < n; k++) {
        double aik = a[i][k];
        for (int j = 0; j < n; j++) c[i][j] += aik * b[k][j];
      }
    }
    return;
  }
  /* c overlaps an input: keep the original order of reads and writes */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}
