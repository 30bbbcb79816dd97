/* From bench/kernels/matmul.c: dense double matrix multiply. */
#define N 450

void matmul(int n, double a[N][N], double b[N][N], double c[N][N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}
