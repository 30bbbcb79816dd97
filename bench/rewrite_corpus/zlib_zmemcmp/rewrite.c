/* From zlib 1.2.13, zutil.c (third_party/zlib-1.2.13.dfsg): zlib's own memcmp for systems
 * without one. K&R parameters written as a prototype; zconf.h's types spelled out. */
typedef unsigned char Bytef;
typedef unsigned int uInt;

#include <string.h>

int zmemcmp(const Bytef* s1, const Bytef* s2, uInt len)
{
    /* memcmp compares as unsigned char, like Bytef; only its sign is specified */
    int r = memcmp(s1, s2, len);
    return (r > 0) - (r < 0);
}
