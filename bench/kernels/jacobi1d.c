/* Jacobi-1D stencil, many time steps; prints a checksum as a hex float. */
#include <stdio.h>
#define N 4000
#define STEPS 20000
static double A[N], B[N];

void jacobi1d(int steps, int n, double *a, double *b) {
  for (int t = 0; t < steps; t++) {
    for (int i = 1; i < n - 1; i++) b[i] = 0.33333 * (a[i - 1] + a[i] + a[i + 1]);
    for (int i = 1; i < n - 1; i++) a[i] = 0.33333 * (b[i - 1] + b[i] + b[i + 1]);
  }
}

int main(void) {
  for (int i = 0; i < N; i++) { A[i] = ((double)i + 2) / N; B[i] = ((double)i + 3) / N; }
  jacobi1d(STEPS, N, A, B);
  double sum = 0.0;
  for (int i = 0; i < N; i++) sum += A[i] * (i % 7);
  printf("%a\n", sum);
  return 0;
}
