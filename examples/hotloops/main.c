/* hotloops: runs each kernel on fixed pseudo-random data and prints one checksum per
 * kernel plus a combined one. `make check` compares the combined checksum. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels.h"

enum {
    POPCOUNT_WORDS = 1 << 16,
    POPCOUNT_REPEATS = 200,
    CRC_BYTES = 1 << 24,
    MATRIX_N = 384,
    HIST_BYTES = 1 << 24,
    HIST_REPEATS = 8,
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* xorshift64*: fixed seed, so the data (and every checksum) is the same on every run. */
static uint64_t next_random(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static void *checked_malloc(size_t size)
{
    void *p = malloc(size);
    if (!p) {
        fprintf(stderr, "hotloops: out of memory\n");
        exit(1);
    }
    return p;
}

static uint64_t run_popcount(void)
{
    uint64_t *words = checked_malloc(POPCOUNT_WORDS * sizeof *words);
    for (size_t i = 0; i < POPCOUNT_WORDS; i++)
        words[i] = next_random() >> (i % 48); /* vary the bit density */
    uint64_t total = 0;
    for (int r = 0; r < POPCOUNT_REPEATS; r++)
        total += popcount_sum(words, POPCOUNT_WORDS);
    free(words);
    return total;
}

static uint64_t run_crc(void)
{
    uint8_t *bytes = checked_malloc(CRC_BYTES);
    for (size_t i = 0; i < CRC_BYTES; i++)
        bytes[i] = (uint8_t)next_random();
    uint32_t crc = crc32_bitwise(bytes, CRC_BYTES);
    free(bytes);
    return crc;
}

static uint64_t run_matmul(void)
{
    size_t cells = (size_t)MATRIX_N * MATRIX_N;
    int32_t *a = checked_malloc(cells * sizeof *a);
    int32_t *b = checked_malloc(cells * sizeof *b);
    int32_t *c = checked_malloc(cells * sizeof *c);
    for (size_t i = 0; i < cells; i++) {
        a[i] = (int32_t)(next_random() % 201) - 100;
        b[i] = (int32_t)(next_random() % 201) - 100;
    }
    matmul_naive(a, b, c, MATRIX_N);
    uint64_t h = matrix_checksum(c, MATRIX_N);
    free(a);
    free(b);
    free(c);
    return h;
}

static uint64_t run_histogram(void)
{
    uint8_t *bytes = checked_malloc(HIST_BYTES);
    /* Runs of equal bytes: the store-to-load dependency case. */
    uint8_t value = 0;
    for (size_t i = 0; i < HIST_BYTES; i++) {
        if (i % 16 == 0)
            value = (uint8_t)(next_random() % 64);
        bytes[i] = value;
    }
    uint32_t counts[256];
    uint64_t h = 0;
    for (int r = 0; r < HIST_REPEATS; r++) {
        histogram_bytes(bytes + r, HIST_BYTES - r, counts);
        h = h * 1000003u ^ histogram_checksum(counts);
    }
    free(bytes);
    return h;
}

int main(void)
{
    uint64_t popcount = run_popcount();
    uint64_t crc = run_crc();
    uint64_t matmul = run_matmul();
    uint64_t histogram = run_histogram();
    printf("popcount:  %016" PRIx64 "\n", popcount);
    printf("crc32:     %016" PRIx64 "\n", crc);
    printf("matmul:    %016" PRIx64 "\n", matmul);
    printf("histogram: %016" PRIx64 "\n", histogram);
    printf("checksum: %016" PRIx64 "\n", popcount ^ (crc << 1) ^ (matmul << 2) ^ (histogram << 3));
    return 0;
}
