/* From Lua 5.4.4, src/lutf8lib.c (third_party/lua-5.4.4): decode one UTF-8 sequence (every
 * utf8.* library function goes through it). `static` dropped so it is exported; utfint as
 * lutf8lib.c defines it where int has 31+ bits. */
#include <stddef.h>

#define MAXUNICODE	0x10FFFFu

#define MAXUTF		0x7FFFFFFFu

typedef unsigned int utfint;

/*
** Decode one UTF-8 sequence, returning NULL if byte sequence is
** invalid.  The array 'limits' stores the minimum value for each
** sequence length, to check for overlong representations. Its first
** entry forces an error for non-ascii bytes with no continuation
** bytes (count == 0).
*/
const char *utf8_decode (const char *s, utfint *val, int strict) {
  static const utfint limits[] =
        {~(utfint)0, 0x80, 0x800, 0x10000u, 0x200000u, 0x4000000u};
  unsigned int c = (unsigned char)s[0];
  utfint res = 0;  /* final result */
  if (c < 0x80)  /* ascii? */
    res = c;
  else if ((c & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
    /* two-byte sequence, unrolled: the loop below would read s[1], stop after one
       continuation byte and add the first byte's 5 low bits above its 6 bits */
    res = ((utfint)(c & 0x1F) << 6) | ((unsigned char)s[1] & 0x3F);
    if (res < 0x80)  /* overlong, as limits[1] rejects */
      return NULL;
    s += 1;
  }
  else if ((c & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
    /* three-byte sequence, unrolled likewise (limits[2] = 0x800) */
    res = ((utfint)(c & 0x0F) << 12) | ((utfint)((unsigned char)s[1] & 0x3F) << 6)
          | ((unsigned char)s[2] & 0x3F);
    if (res < 0x800)
      return NULL;
    s += 2;
  }
  else {
    int count = 0;  /* to count number of continuation bytes */
    for (; c & 0x40; c <<= 1) {  /* while it needs continuation bytes... */
      unsigned int cc = (unsigned char)s[++count];  /* read next byte */
      if ((cc & 0xC0) != 0x80)  /* not a continuation byte? */
        return NULL;  /* invalid byte sequence */
      res = (res << 6) | (cc & 0x3F);  /* add lower 6 bits from cont. byte */
    }
    res |= ((utfint)(c & 0x7F) << (count * 5));  /* add first byte */
    if (count > 5 || res > MAXUTF || res < limits[count])
      return NULL;  /* invalid byte sequence */
    s += count;  /* skip continuation bytes read */
  }
  if (strict) {
    /* check for invalid code points; too large or surrogates */
    if (res > MAXUNICODE || (0xD800u <= res && res <= 0xDFFFu))
      return NULL;
  }
  if (val) *val = res;
  return s + 1;  /* +1 to include first byte */
}
