typedef unsigned int utfint;
const char *utf8_decode(const char *s, utfint *val, int strict);
#include "harness.h"

static char buf[1 << 20];

static void check_case(void) {
  for (int t = 0; t < 200000; t++) {
    unsigned char b[9];
    for (int i = 0; i < 9; i++) {
      uint64_t r = rnd() % 4;
      b[i] = r == 0 ? (unsigned char)rnd() : r == 1 ? (unsigned char)(0x80 | (rnd() & 0x3F))
           : r == 2 ? (unsigned char)(0xC0 | (rnd() & 0x3F)) : (unsigned char)(0xE0 | (rnd() & 0x1F));
    }
    b[8] = 0;                                   /* sequences never run past the buffer */
    utfint v = 12345;
    const char *e = utf8_decode((const char *)b, t % 3 ? &v : 0, t & 1);
    see(e ? (uint64_t)(e - (const char *)b) : 99);
    see(v);
  }
}

static void time_case(void) {
  static int ready;
  static const char *words[] = {"\xc3\xa9t\xc3\xa9 ", "na\xc3\xafve ", "\xe2\x82\xac" "5 ", "\xd0\xbf\xd1\x80\xd0\xb8 ", "\xe4\xb8\xad\xe6\x96\x87 "};
  if (!ready) {
    size_t n = 0;
    while (n + 16 < sizeof buf) { const char *w = words[rnd() % 5]; size_t l = strlen(w); memcpy(buf + n, w, l); n += l; }
    buf[n] = 0;
    ready = 1;
  }
  utfint v, s = 0;
  for (int r = 0; r < 4; r++)
    for (const char *p = buf; *p; ) { p = utf8_decode(p, &v, 1); s += v; }
  sink += s;
}
