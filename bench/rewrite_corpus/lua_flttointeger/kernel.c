/* From Lua 5.4.4, src/lvm.c (third_party/lua-5.4.4): convert a float to an integer,
 * rounding according to `mode` (float table keys in ltable.c, integer/float comparisons,
 * for-loop limits). lua_Number, lua_Integer, F2Imod, l_floor and lua_numbertointeger as
 * luaconf.h and lvm.h define them for the default 64-bit build. */
#include <math.h>
typedef double lua_Number;
typedef long long lua_Integer;
#define LUA_NUMBER	double
#define LUA_INTEGER	long long
#define LUA_MININTEGER	(-0x7FFFFFFFFFFFFFFFLL - 1)
#define l_mathop(op)		op
#define l_floor(x)		(l_mathop(floor)(x))
#define lua_numbertointeger(n,p) \
  ((n) >= (LUA_NUMBER)(LUA_MININTEGER) && \
   (n) < -(LUA_NUMBER)(LUA_MININTEGER) && \
      (*(p) = (LUA_INTEGER)(n), 1))

typedef enum {
  F2Ieq,     /* no rounding; accepts only integral values */
  F2Ifloor,  /* takes the floor of the number */
  F2Iceil    /* takes the ceil of the number */
} F2Imod;

/*
** try to convert a float to an integer, rounding according to 'mode'.
*/
int luaV_flttointeger (lua_Number n, lua_Integer *p, F2Imod mode) {
  lua_Number f = l_floor(n);
  if (n != f) {  /* not an integral value? */
    if (mode == F2Ieq) return 0;  /* fails if mode demands integral value */
    else if (mode == F2Iceil)  /* needs ceil? */
      f += 1;  /* convert floor to ceil (remember: n != f) */
  }
  return lua_numbertointeger(f, p);
}
