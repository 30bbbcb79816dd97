/* Wrong: an arithmetic shift rounds negative odd numbers down, division rounds to zero. */
int half(int x) { return x >> 1; }
