/* Byte histogram: consecutive equal bytes make each increment wait for the previous
 * store, a classic case where splitting into several sub-histograms pays off. */
#include "kernels.h"

#include <string.h>

void histogram_bytes(const uint8_t *data, size_t n, uint32_t counts[256])
{
    memset(counts, 0, 256 * sizeof counts[0]);
    for (size_t i = 0; i < n; i++)
        counts[data[i]]++;
}

uint64_t histogram_checksum(const uint32_t counts[256])
{
    uint64_t h = 0;
    for (int b = 0; b < 256; b++)
        h = h * 31 + counts[b] * (uint64_t)(b + 1);
    return h;
}
