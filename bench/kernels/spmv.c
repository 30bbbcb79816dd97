/* Sparse matrix-vector product (CSR) on a generated banded-random matrix; hex-float checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#define ROWS 100000
#define PER_ROW 16
#define REPS 60

void spmv(int rows, const int *rowptr, const int *col, const double *val, const double *x, double *y) {
  for (int r = 0; r < rows; r++) {
    double s = 0.0;
    for (int k = rowptr[r]; k < rowptr[r + 1]; k++) s += val[k] * x[col[k]];
    y[r] = s;
  }
}

int main(void) {
  int *rowptr = malloc((ROWS + 1) * sizeof *rowptr), *col = malloc(ROWS * PER_ROW * sizeof *col);
  double *val = malloc(ROWS * PER_ROW * sizeof *val), *x = malloc(ROWS * sizeof *x), *y = malloc(ROWS * sizeof *y);
  uint32_t s = 5;
  for (int r = 0; r <= ROWS; r++) rowptr[r] = r * PER_ROW;
  for (int k = 0; k < ROWS * PER_ROW; k++) {
    s = s * 1664525u + 1013904223u;
    col[k] = (int)((k / PER_ROW + (int)(s >> 20) % 2000) % ROWS);
    val[k] = (double)((s >> 8) & 255) / 128.0;
  }
  for (int i = 0; i < ROWS; i++) x[i] = (double)(i % 10) / 10.0;
  for (int rep = 0; rep < REPS; rep++) {
    spmv(ROWS, rowptr, col, val, x, y);
    for (int i = 0; i < ROWS; i++) x[i] = y[i] * 0.125;
  }
  double sum = 0.0;
  for (int i = 0; i < ROWS; i++) sum += x[i];
  printf("%a\n", sum);
  free(rowptr); free(col); free(val); free(x); free(y);
  return 0;
}
