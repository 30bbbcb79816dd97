/* Small hot kernels for the agent tests: each has one good rewrite and one or more
 * deliberately wrong ones in the scripted answers (see the test file). */
#include <stddef.h>
#include <stdint.h>

static volatile unsigned ticks;   /* a device-like counter: every increment is observable */

/* Bit count one bit at a time: -O3 unrolls it into ~100 instructions. */
unsigned bits32(unsigned w)
{
    unsigned c = 0;
    for (int b = 0; b < 32; b++)
        c += (w >> b) & 1u;
    return c;
}

uint64_t popcount_sum(const uint32_t *words, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t w = words[i];
        for (int b = 0; b < 32; b++)
            total += (w >> b) & 1u;
    }
    return total;
}

int64_t sum_times7(const int32_t *a, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += (int64_t)a[i] * 7;
    return s;
}

void add_one(int *dst, const int *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] + 1;
}

void div10(double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = a[i] / 10.0;
}

unsigned tick_sum(const unsigned *a, size_t n)
{
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) {
        ticks++;
        s += a[i];
    }
    return s;
}
