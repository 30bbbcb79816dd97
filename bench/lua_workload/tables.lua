-- Table construction, sorting and hashing (ltable.c, ltablib.c, lgc.c).
local SCALE = tonumber(os.getenv("LUA_SCALE") or "1")
local t = {}
local x = 12345
for i = 1, math.floor(60000 * SCALE) do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x end
table.sort(t)
local h = {}
for i = 1, #t, 3 do h["k" .. t[i] % 5000] = (h["k" .. t[i] % 5000] or 0) + 1 end
local acc = 0
for i = 1, 5000 do acc = acc + (h["k" .. i] or 0) * i end
print("tables", t[1], t[#t], acc)
