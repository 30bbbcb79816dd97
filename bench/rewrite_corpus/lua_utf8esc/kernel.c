/* From Lua 5.4.4, src/lobject.c (third_party/lua-5.4.4): encode a code point as UTF-8,
 * backwards from the end of an 8-byte buffer (string escapes, utf8.char). UTF8BUFFSZ and
 * cast_char as lobject.h/llimits.h define them; the lua_assert (x <= 0x7FFFFFFF) is
 * compiled out in release builds and left out here. */
#define UTF8BUFFSZ	8
#define cast_char(i)	((char)(i))

int luaO_utf8esc (char *buff, unsigned long x) {
  int n = 1;  /* number of bytes put in buffer (backwards) */
  if (x < 0x80)  /* ascii? */
    buff[UTF8BUFFSZ - 1] = cast_char(x);
  else {  /* need continuation bytes */
    unsigned int mfb = 0x3f;  /* maximum that fits in first byte */
    do {  /* add continuation bytes */
      buff[UTF8BUFFSZ - (n++)] = cast_char(0x80 | (x & 0x3f));
      x >>= 6;  /* remove added bits */
      mfb >>= 1;  /* now there is one less bit available in first byte */
    } while (x > mfb);  /* still needs continuation byte? */
    buff[UTF8BUFFSZ - n] = cast_char((~mfb << 1) | x);  /* add first byte */
  }
  return n;
}
