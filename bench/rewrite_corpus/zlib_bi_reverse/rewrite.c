/* From zlib 1.2.13, trees.c (third_party/zlib-1.2.13.dfsg): reverse the first len bits of
 * a code. K&R parameters written as a prototype; `local` (static) dropped so it is exported. */

unsigned bi_reverse(unsigned code, int len)
{
    if (len >= 1 && len <= 31)
        return __builtin_bitreverse32(code) >> (32 - len);
    /* len <= 0 behaves like len == 1, and len >= 32 drops bit 0: keep the loop there */
    register unsigned res = 0;
    do {
        res |= code & 1;
        code >>= 1, res <<= 1;
    } while (--len > 0);
    return res >> 1;
}
