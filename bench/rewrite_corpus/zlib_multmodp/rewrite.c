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
    z_crc_t p = 0;
    if (a == 0) {
        /* documented as not allowed; the loop below never ends for it, as before */
        z_crc_t m = (z_crc_t)1 << 31;
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
    /* Same steps from bit 31 down to the lowest set bit of a, with masks instead of
     * data-dependent branches (the final update of b is never used). */
    int last = __builtin_ctz(a);
    for (int k = 31; k >= last; k--) {
        p ^= b & (0u - ((a >> k) & 1u));
        b = (b >> 1) ^ (POLY & (0u - (b & 1u)));
    }
    return p;
}
