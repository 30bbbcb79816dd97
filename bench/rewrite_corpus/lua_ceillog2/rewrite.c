/* From Lua 5.4.4, src/lobject.c (third_party/lua-5.4.4): ceil(log2(x)). */
typedef unsigned char lu_byte;

int luaO_ceillog2 (unsigned int x) {
  unsigned int v = x - 1;  /* ceil(log2(x)) is the bit length of x - 1 (x == 0 wraps to 32) */
  return v == 0 ? 0 : 32 - __builtin_clz(v);
}
