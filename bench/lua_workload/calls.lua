-- Function calls, recursion and integer arithmetic (lvm.c, ldo.c).
local SCALE = tonumber(os.getenv("LUA_SCALE") or "1")
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local s = 0
for i = 1, math.max(1, math.floor(12 * SCALE)) do s = s + fib(22) end
print("fib", s)
