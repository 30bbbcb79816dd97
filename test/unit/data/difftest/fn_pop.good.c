int pop(unsigned x) { return __builtin_popcount(x); }
