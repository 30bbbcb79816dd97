/* Hot loops of the hotloops example. Each kernel is deterministic and integer-only, so
 * every correct optimization must reproduce the checksum bit for bit. */
#ifndef HOTLOOPS_KERNELS_H
#define HOTLOOPS_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* bits.c */
uint64_t popcount_sum(const uint64_t *words, size_t n);
uint32_t crc32_bitwise(const uint8_t *data, size_t n);

/* matmul.c */
void matmul_naive(const int32_t *a, const int32_t *b, int32_t *c, int n);
uint64_t matrix_checksum(const int32_t *m, int n);

/* histogram.c */
void histogram_bytes(const uint8_t *data, size_t n, uint32_t counts[256]);
uint64_t histogram_checksum(const uint32_t counts[256]);

#endif
