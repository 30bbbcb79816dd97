/* From zlib 1.2.13, zutil.c (third_party/zlib-1.2.13.dfsg): zlib's own memcmp for systems
 * without one. K&R parameters written as a prototype; zconf.h's types spelled out. */
typedef unsigned char Bytef;
typedef unsigned int uInt;

int zmemcmp(const Bytef* s1, const Bytef* s2, uInt len)
{
    uInt j = 0;

    /* 8 bytes at a time; __builtin_memcpy of a constant size is a plain (unaligned)
     * load, not a library call, so this still needs no C library */
    for (; j + 8 <= len; j += 8) {
        unsigned long long a, b;
        __builtin_memcpy(&a, s1 + j, 8);
        __builtin_memcpy(&b, s2 + j, 8);
        if (a != b) {
            /* byte-swapped (big-endian) words order like the bytes they hold */
            return __builtin_bswap64(a) > __builtin_bswap64(b) ? 1 : -1;
        }
    }
    for (; j < len; j++) {
        if (s1[j] != s2[j]) return 2*(s1[j] > s2[j])-1;
    }
    return 0;
}
