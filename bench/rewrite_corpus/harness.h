/* Shared by every case's driver.c: a seeded generator, an output digest, and main().
 *
 *   driver check        run the function on seeded random and edge inputs; print a digest
 *                       of every result (return values and written buffers), so two builds
 *                       agree exactly when their outputs agree;
 *   driver time [reps]  run the timed workload reps times (default 1); print a sink value so
 *                       the work cannot be optimized away;
 *   driver correctness I / driver scale I
 *                       the protocol of llmcc's testing-agent prompt: the runner serves this
 *                       driver (with this file inlined) as the model-written test generator;
 *                       correctness I is the check with the generator seeded by I, scale I
 *                       the timed workload run I+1 times.
 *
 * A case's driver.c defines check_case() and time_case() and includes this file last (found through -I bench/rewrite_corpus). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t digest = 1469598103934665603ull;   /* FNV-1a over every observed output */
static unsigned long long observed = 0;
static volatile uint64_t sink;

static uint64_t rnd(void) {                        /* xorshift64* */
  rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}
static void see(uint64_t v) {                      /* record one output value */
  for (int i = 0; i < 8; i++) { digest ^= (v >> (8 * i)) & 0xFF; digest *= 1099511628211ull; }
  observed++;
}
static void see_bytes(const void *p, size_t n) {   /* record a written buffer */
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) { digest ^= b[i]; digest *= 1099511628211ull; }
  observed++;
}
static void fill(void *p, size_t n) {
  unsigned char *b = p;
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)(rnd() >> 56);
}

static void check_case(void);
static void time_case(void);

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "check") == 0) {
    check_case();
    printf("check %016llx %llu\n", (unsigned long long)digest, observed);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "correctness") == 0) {
    rng_state += 0x632BE59BD9B4E019ull * (uint64_t)(atoi(argv[2]) + 1);
    check_case();
    printf("check %016llx %llu\n", (unsigned long long)digest, observed);
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "scale") == 0) {
    for (int r = 0; r <= atoi(argv[2]); r++) time_case();
    printf("scale %llu\n", (unsigned long long)sink);
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "time") == 0) {
    int reps = argc >= 3 ? atoi(argv[2]) : 1;
    for (int r = 0; r < reps; r++) time_case();
    printf("time %llu\n", (unsigned long long)sink);
    return 0;
  }
  fprintf(stderr, "usage: %s check | time [reps]\n", argv[0]);
  return 2;
}
