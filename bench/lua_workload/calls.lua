-- Function calls, recursion and integer arithmetic (lvm.c, ldo.c).
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local s = 0
for i = 1, 3 do s = s + fib(25) end
print("fib", s)
