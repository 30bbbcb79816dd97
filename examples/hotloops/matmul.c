/* Naive i-j-k integer matrix multiply: the inner loop strides through b by columns,
 * which leaves room for loop interchange, unrolling and vectorization. */
#include "kernels.h"

void matmul_naive(const int32_t *a, const int32_t *b, int32_t *c, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            int32_t sum = 0;
            for (int k = 0; k < n; k++)
                sum += a[i * n + k] * b[k * n + j];
            c[i * n + j] = sum;
        }
    }
}

uint64_t matrix_checksum(const int32_t *m, int n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the elements */
    for (int i = 0; i < n * n; i++) {
        h ^= (uint32_t)m[i];
        h *= 1099511628211ull;
    }
    return h;
}
