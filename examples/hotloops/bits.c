/* Bit-twiddling loops: a population count written as a clear-lowest-bit loop (a
 * data-dependent trip count that the optimizer may or may not turn into popcnt) and a
 * bitwise CRC-32 whose fixed 8-step inner loop rewards full unrolling. */
#include "kernels.h"

uint64_t popcount_sum(const uint64_t *words, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t w = words[i];
        while (w) {
            w &= w - 1;
            total++;
        }
    }
    return total;
}

uint32_t crc32_bitwise(const uint8_t *data, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            uint32_t mask = -(crc & 1u);
            crc = (crc >> 1) ^ (0xEDB88320u & mask);
        }
    }
    return ~crc;
}
