/* From bench/kernels/crc32.c: bitwise (table-free) CRC-32. */
#include <stdint.h>
#include <stddef.h>

uint32_t crc32(const unsigned char *p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}
