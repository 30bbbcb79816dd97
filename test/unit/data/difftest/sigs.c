/* Signatures for harness-synthesis tests: one function per supported kind, then unsupported ones. */
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

typedef struct { int32_t x; double w; } point;
struct node { int v; struct node *next; };
union bits { float f; unsigned u; };

uint8_t add_u8(uint8_t a, uint8_t b) { return (uint8_t)(a + b); }
_Bool is_odd(long long v) { return v & 1; }
double scale_d(double x, float k) { return x * k; }
int64_t dot(const int16_t *a, const int16_t *b, size_t len) {
  int64_t s = 0; for (size_t i = 0; i < len; i++) s += a[i] * b[i]; return s;
}
void fill(unsigned *out, int count, unsigned v) { for (int i = 0; i < count; i++) out[i] = v + i; }
size_t my_strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }
int sum4(const int v[4]) { return v[0] + v[1] + v[2] + v[3]; }
double norm1(point p) { return (p.x < 0 ? -p.x : p.x) + (p.w < 0 ? -p.w : p.w); }
point mid(point a, point b) { point r = { (a.x + b.x) / 2, (a.w + b.w) / 2 }; return r; }
size_t upcase(char *dst, size_t cap, const char *src) {
  size_t i = 0;
  for (; src[i] && i + 1 < cap; i++) dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? src[i] - 32 : src[i];
  if (cap) dst[i] = 0;
  return i;
}
const char *find_char(const char *s, int c) { while (*s && *s != c) s++; return *s ? s : 0; }

static int hidden(int x) { return x + 1; }
int use_hidden(int x) { return hidden(x); }
int apply(int (*f)(int), int x) { return f(x); }
int list_len(struct node n) { return n.v; }
int first(const int *p) { return *p; }
int vsum(int n, ...) { va_list ap; va_start(ap, n); int s = 0; for (int i = 0; i < n; i++) s += va_arg(ap, int); va_end(ap); return s; }
unsigned as_bits(union bits b) { return b.u; }
void nothing(int x) { (void)x; }
