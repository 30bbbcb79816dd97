-- String building, formatting, pattern matching (lstrlib.c, lstring.c).
local SCALE = tonumber(os.getenv("LUA_SCALE") or "1")
local parts = {}
for i = 1, math.floor(30000 * SCALE) do parts[#parts + 1] = string.format("%05d:%x", i, i * 7) end
local text = table.concat(parts, ",")
local n, sum = 0, 0
for a, b in text:gmatch("(%d+):(%x+)") do n = n + 1; sum = sum + tonumber(b, 16) % 97 end
local up = text:gsub("%x%x", function(h) return h:upper() end)
print("strings", n, sum, #up)
