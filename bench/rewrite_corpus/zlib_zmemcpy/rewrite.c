/* From zlib 1.2.13, zutil.c (third_party/zlib-1.2.13.dfsg): zlib's own memcpy for systems
 * without one. K&R parameters written as a prototype; zconf.h's types spelled out. */
typedef unsigned char Bytef;
typedef unsigned int uInt;

#include <stdint.h>
#include <string.h>

void zmemcpy(Bytef* dest, const Bytef* source, uInt len)
{
    uintptr_t d = (uintptr_t)dest, s = (uintptr_t)source;
    /* A forward byte copy equals memcpy unless dest starts inside [source, source + len):
     * then it re-reads bytes it has already written (a repeating pattern). */
    if (d - s >= (uintptr_t)len) {
        memcpy(dest, source, len);
        return;
    }
    if (len == 0) return;
    do {
        *dest++ = *source++;
    } while (--len != 0);
}
