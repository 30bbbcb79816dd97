/* Bitwise (table-free) CRC-32 over a generated buffer; prints the CRC in hex. */
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>
#define LEN (10u << 20)
static unsigned char buf[LEN];

uint32_t crc32(const unsigned char *p, size_t n) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

int main(void) {
  uint32_t x = 1;
  for (size_t i = 0; i < LEN; i++) { x = x * 69069u + 1u; buf[i] = (unsigned char)(x >> 24); }
  printf("%08x\n", crc32(buf, LEN));
  return 0;
}
