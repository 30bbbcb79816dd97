/* From zlib 1.2.13, zutil.c (third_party/zlib-1.2.13.dfsg): zlib's own memcmp for systems
 * without one. K&R parameters written as a prototype; zconf.h's types spelled out. */
typedef unsigned char Bytef;
typedef unsigned int uInt;

int zmemcmp(const Bytef* s1, const Bytef* s2, uInt len)
{
    uInt j;

    for (j = 0; j < len; j++) {
        if (s1[j] != s2[j]) return 2*(s1[j] > s2[j])-1;
    }
    return 0;
}
