/* Dense double matrix multiply (i-k-j order); prints the sum of C as a hex float. */
#include <stdio.h>
#define N 450
static double A[N][N], B[N][N], C[N][N];

void matmul(int n, double a[N][N], double b[N][N], double c[N][N]) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0.0;
      for (int k = 0; k < n; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
}

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0;
      B[i][j] = (double)((i * 5 + j * 11) % 13) / 8.0;
    }
  matmul(N, A, B, C);
  double sum = 0.0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) sum += C[i][j] * (double)((i + j) % 5);
  printf("%a\n", sum);
  return 0;
}
