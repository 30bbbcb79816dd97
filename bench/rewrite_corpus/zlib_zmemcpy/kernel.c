/* From zlib 1.2.13, zutil.c (third_party/zlib-1.2.13.dfsg): zlib's own memcpy for systems
 * without one. K&R parameters written as a prototype; zconf.h's types spelled out. */
typedef unsigned char Bytef;
typedef unsigned int uInt;

void zmemcpy(Bytef* dest, const Bytef* source, uInt len)
{
    if (len == 0) return;
    do {
        *dest++ = *source++; /* ??? to be unrolled */
    } while (--len != 0);
}
