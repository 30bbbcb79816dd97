/* From zlib 1.2.13, adler32.c (third_party/zlib-1.2.13.dfsg): the Adler-32 checksum
 * (zlib streams, inflate's check of every output byte). K&R parameters written as a
 * prototype; zconf.h's types and zutil.h's Z_NULL spelled out; the default (divide) MOD. */
#include <stddef.h>
typedef unsigned long uLong;
typedef unsigned char Bytef;
typedef size_t z_size_t;
#define Z_NULL 0

#define BASE 65521U     /* largest prime smaller than 65536 */
#define NMAX 5552
/* NMAX is the largest n such that 255n(n+1)/2 + (n+1)(BASE-1) <= 2^32-1 */

#define DO1(buf,i)  {adler += (buf)[i]; sum2 += adler;}
#define DO2(buf,i)  DO1(buf,i); DO1(buf,i+1);
#define DO4(buf,i)  DO2(buf,i); DO2(buf,i+2);
#define DO8(buf,i)  DO4(buf,i); DO4(buf,i+4);
#define DO16(buf)   DO8(buf,0); DO8(buf,8);

#  define MOD(a) a %= BASE
#  define MOD28(a) a %= BASE
#  define MOD63(a) a %= BASE

#include <stdint.h>

/* adler, sum2 += the Adler sums of `chunks` 16-byte chunks, lane by lane. */
static void adler32_chunks(const Bytef *buf, unsigned chunks, unsigned long *adler, unsigned long *sum2)
{
    uint32_t s1[16] = {0}, s2[16] = {0};
    for (unsigned c = 0; c < chunks; c++, buf += 16)
        for (int l = 0; l < 16; l++) {
            s2[l] += s1[l];
            s1[l] += buf[l];
        }
    unsigned long a = 0, b = 0;
    for (int l = 0; l < 16; l++) {
        a += s1[l];
        b += 16UL * s2[l] + (unsigned long)(16 - l) * s1[l];
    }
    *sum2 += 16UL * chunks * *adler + b;
    *adler += a;
}

uLong adler32_z(uLong adler, const Bytef *buf, z_size_t len)
{
    unsigned long sum2;

    /* split Adler-32 into component sums */
    sum2 = (adler >> 16) & 0xffff;
    adler &= 0xffff;

    /* in case user likes doing a byte at a time, keep it fast */
    if (len == 1) {
        adler += buf[0];
        if (adler >= BASE)
            adler -= BASE;
        sum2 += adler;
        if (sum2 >= BASE)
            sum2 -= BASE;
        return adler | (sum2 << 16);
    }

    /* initial Adler-32 value (deferred check for len == 1 speed) */
    if (buf == Z_NULL)
        return 1L;

    /* in case short lengths are provided, keep it somewhat fast */
    if (len < 16) {
        while (len--) {
            adler += *buf++;
            sum2 += adler;
        }
        if (adler >= BASE)
            adler -= BASE;
        MOD28(sum2);            /* only added so many BASE's */
        return adler | (sum2 << 16);
    }

    /* NMAX blocks, 16 lanes at a time: still one modulo per block */
    while (len >= NMAX) {
        len -= NMAX;
        adler32_chunks(buf, NMAX / 16, &adler, &sum2);
        buf += NMAX;
        MOD(adler);
        MOD(sum2);
    }

    /* remaining bytes (less than NMAX, still just one modulo) */
    if (len) {
        if (len >= 16) {
            unsigned chunks = (unsigned)(len / 16);
            adler32_chunks(buf, chunks, &adler, &sum2);
            buf += 16 * (z_size_t)chunks;
            len -= 16 * (z_size_t)chunks;
        }
        while (len--) {
            adler += *buf++;
            sum2 += adler;
        }
        MOD(adler);
        MOD(sum2);
    }

    /* return recombined sums */
    return adler | (sum2 << 16);
}
