-- String building, formatting, pattern matching (lstrlib.c, lstring.c).
local parts = {}
for i = 1, 30000 do parts[#parts + 1] = string.format("%05d:%x", i, i * 7) end
local text = table.concat(parts, ",")
local n, sum = 0, 0
for a, b in text:gmatch("(%d+):(%x+)") do n = n + 1; sum = sum + tonumber(b, 16) % 97 end
local up = text:gsub("%x%x", function(h) return h:upper() end)
print("strings", n, sum, #up)
