#!/bin/sh
# The workload of the tune bench: every script, run by the Lua in the current tree.
d=$(dirname "$0")
for s in calls strings tables closures; do ${LUA:-src/lua} "$d/$s.lua" || exit 1; done
