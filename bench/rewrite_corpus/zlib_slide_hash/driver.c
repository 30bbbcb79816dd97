typedef unsigned short Pos;
typedef Pos Posf;
typedef unsigned int uInt;
typedef struct internal_state {
    uInt  w_size;
    Posf *prev;
    Posf *head;
    uInt  hash_size;
} deflate_state;
void slide_hash(deflate_state *s);
#include "harness.h"

static Pos head[1 << 16], prev[1 << 16];

static void check_case(void) {
  static const uInt wsizes[] = {1, 2, 256, 4096, 32768};
  static const uInt hsizes[] = {1, 3, 1024, 32768, 65536};
  for (unsigned w = 0; w < 5; w++)
    for (unsigned h = 0; h < 5; h++) {
      fill(head, sizeof head); fill(prev, sizeof prev);
      head[0] = 0; head[1] = (Pos)wsizes[w]; head[2] = (Pos)(wsizes[w] - 1); head[3] = 0xFFFF;
      deflate_state s = {wsizes[w], prev, head, hsizes[h]};
      slide_hash(&s);
      see_bytes(head, sizeof head); see_bytes(prev, sizeof prev);
    }
  fill(head, sizeof head);
  deflate_state s = {1000, head + 500, head, 2000};      /* prev overlaps head */
  slide_hash(&s);
  see_bytes(head, sizeof head);
}

static void time_case(void) {
  static int ready;
  if (!ready) { fill(head, sizeof head); fill(prev, sizeof prev); ready = 1; }
  for (int r = 0; r < 100; r++) {
    deflate_state s = {32768, prev, head, 65536};
    slide_hash(&s);
    head[r] |= 0x8000; prev[r] |= 0x8000;
  }
  sink += head[5] + prev[7];
}
