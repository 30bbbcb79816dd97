#define N 450
void matmul(int n, double a[N][N], double b[N][N], double c[N][N]);
#include "harness.h"

static double A[N][N], B[N][N], C[N][N];

static double val(void) {           /* mixed signs and magnitudes, some exact zeros */
  uint64_t r = rnd();
  if (r % 13 == 0) return 0.0;
  return ((double)(int64_t)(r >> 11) / 4503599627370496.0) * (double)(1 << (r % 7));
}

static void check_case(void) {
  static const int sizes[] = {0, 1, 2, 3, 7, 16, 33, 100};
  for (unsigned s = 0; s < sizeof sizes / sizeof *sizes; s++) {
    int n = sizes[s];
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) { A[i][j] = val(); B[i][j] = val(); C[i][j] = 1.5; }
    matmul(n, A, B, C);
    for (int i = 0; i < n; i++) see_bytes(C[i], (size_t)n * sizeof(double));
    matmul(n, A, B, A);              /* c aliases a: the original order must be kept */
    for (int i = 0; i < n; i++) see_bytes(A[i], (size_t)n * sizeof(double));
    matmul(n, C, B, B);              /* c aliases b */
    for (int i = 0; i < n; i++) see_bytes(B[i], (size_t)n * sizeof(double));
  }
}

static void time_case(void) {
  static int ready;
  if (!ready) { for (int i = 0; i < 200; i++) for (int j = 0; j < 200; j++) { A[i][j] = val(); B[i][j] = val(); } ready = 1; }
  matmul(200, A, B, C);
  sink += (uint64_t)C[17][42];
}
