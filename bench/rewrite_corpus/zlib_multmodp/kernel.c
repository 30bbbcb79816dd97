/* From zlib 1.2.13, crc32.c (third_party/zlib-1.2.13.dfsg): a(x) * b(x) modulo the CRC
 * polynomial (reflected), used by crc32_combine. K&R parameters written as a prototype;
 * `local` dropped so it is exported. */
typedef unsigned int z_crc_t;
#define POLY 0xedb88320         /* p(x) reflected, with x^32 implied */

/*
  Return a(x) multiplied by b(x) modulo p(x), where p(x) is the CRC polynomial,
  reflected. For speed, this requires that a not be zero.
 */
z_crc_t multmodp(z_crc_t a, z_crc_t b)
{
    z_crc_t m, p;

    m = (z_crc_t)1 << 31;
    p = 0;
    for (;;) {
        if (a & m) {
            p ^= b;
            if ((a & (m - 1)) == 0)
                break;
        }
        m >>= 1;
        b = b & 1 ? (b >> 1) ^ POLY : b >> 1;
    }
    return p;
}
