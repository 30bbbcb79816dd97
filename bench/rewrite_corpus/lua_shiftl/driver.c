typedef long long lua_Integer;
lua_Integer luaV_shiftl(lua_Integer x, lua_Integer y);
#include "harness.h"

static void check_case(void) {
  static const lua_Integer xs[] = {0, 1, -1, 0x7FFFFFFFFFFFFFFFll, -0x7FFFFFFFFFFFFFFFll - 1, 0x123456789ABCDEFll};
  for (unsigned i = 0; i < sizeof xs / sizeof *xs; i++)
    for (lua_Integer y = -70; y <= 70; y++) see((uint64_t)luaV_shiftl(xs[i], y));
  static const lua_Integer ys[] = {-0x7FFFFFFFFFFFFFFFll - 1, 0x7FFFFFFFFFFFFFFFll, -64, 64, -63, 63, 1ll << 32};
  for (unsigned i = 0; i < sizeof ys / sizeof *ys; i++) see((uint64_t)luaV_shiftl(-5, ys[i]));
  for (int i = 0; i < 50000; i++) see((uint64_t)luaV_shiftl((lua_Integer)rnd(), (lua_Integer)(rnd() % 160) - 80));
}

static void time_case(void) {
  uint64_t x = 5, s = 0;
  for (int i = 0; i < 3000000; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    s += (uint64_t)luaV_shiftl((lua_Integer)x, (lua_Integer)(x >> 58) - 32);
  }
  sink += s;
}
