-- Closures, coroutines and garbage (lfunc.c, lgc.c, ldo.c).
local SCALE = tonumber(os.getenv("LUA_SCALE") or "1")
local N = math.floor(100000 * SCALE)
local function counter() local c = 0; return function() c = c + 1; return c end end
local total = 0
for i = 1, N // 5 do local f = counter(); f(); total = total + f() end
local co = coroutine.wrap(function() for i = 1, N do coroutine.yield(i) end end)
local s = 0
for i = 1, N do s = s + co() end
local objs = {}
for i = 1, N do objs[i % 1000 + 1] = {i, tostring(i), {i}} end
print("closures", total, s, #objs)
