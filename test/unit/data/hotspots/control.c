/* Control flow of many shapes: switches, indirect calls, early exits, recursion,
 * nested and sibling loops, a loop with a constant trip count. */
#include <string.h>

typedef int (*op_fn)(int, int);
extern int external_step(int);
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }

int apply(op_fn f, int a, int b) { return f(a, b); }

int interpret(const unsigned char *code, int n, int acc, op_fn *table) {
  for (int pc = 0; pc < n; pc++) {
    switch (code[pc]) {
    case 0: acc += 1; break;
    case 1: acc = table[acc & 1](acc, pc); break;
    case 2: acc = external_step(acc); break;
    case 3: if (acc > 100) return acc; break;
    case 7: acc ^= 0x5a; break;
    default: acc -= 2; break;
    }
  }
  return acc;
}

int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int find_first(const int *v, int n, int key) {
  for (int i = 0; i < n; i++)
    if (v[i] == key)
      return i;
  return -1;
}

void fixed_loops(int *v) {
  for (int i = 0; i < 100; i++)
    v[i] = external_step(v[i]);
  for (int i = 0; i < 1000; i++)
    for (int j = 0; j < 7; j++)
      v[i % 100] += external_step(j);
}

long strings(const char *s, char *out) {
  long total = 0;
  while (*s) {
    size_t n = strlen(s);
    memcpy(out, s, n);
    total += n;
    s += n / 2 + 1;
  }
  return total + add(1, 2) + sub(3, 4);
}

float saxpy(int n, float a, float *restrict x, float *restrict y) {
  float last = 0;
  for (int i = 0; i < n; i++) {
    y[i] = a * x[i] + y[i];
    last = y[i];
  }
  return last;
}
