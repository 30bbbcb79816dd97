/* From Lua 5.4.4, src/lvm.c (third_party/lua-5.4.4): the VM's shift operators (<< and >>,
 * the latter through luaV_shiftr). lua_Integer and the macros as luaconf.h, llimits.h
 * and lvm.h define them for the default 64-bit integers. */
#include <limits.h>
typedef long long lua_Integer;
typedef unsigned long long lua_Unsigned;
#define l_castS2U(i)	((lua_Unsigned)(i))
#define l_castU2S(i)	((lua_Integer)(i))
#define cast_int(i)	((int)(i))
#define intop(op,v1,v2) l_castU2S(l_castS2U(v1) op l_castS2U(v2))

/* number of bits in an integer */
#define NBITS	cast_int(sizeof(lua_Integer) * CHAR_BIT)

/*
** Shift left operation. (Shift right just negates 'y'.)
*/
lua_Integer luaV_shiftl (lua_Integer x, lua_Integer y) {
  lua_Unsigned ux = l_castS2U(x);
  lua_Unsigned left = l_castS2U(y);         /* in [0, NBITS) only for a valid left shift */
  lua_Unsigned right = 0u - l_castS2U(y);   /* in [0, NBITS) only for a valid right shift */
  /* both candidates computed without branches; only the shift arm taken is evaluated */
  lua_Unsigned shl = left < (lua_Unsigned)NBITS ? ux << left : 0;
  lua_Unsigned shr = right < (lua_Unsigned)NBITS ? ux >> right : 0;
  return l_castU2S(y < 0 ? shr : shl);
}
