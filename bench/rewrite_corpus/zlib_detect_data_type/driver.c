typedef unsigned short ush;
#define HEAP_SIZE (2*(256+1+29)+1)
typedef struct ct_data_s { union { ush freq; ush code; } fc; union { ush dad; ush len; } dl; } ct_data;
typedef struct internal_state { ct_data dyn_ltree[HEAP_SIZE]; } deflate_state;
int detect_data_type(deflate_state *s);
#include "harness.h"

static deflate_state st;

static void check_case(void) {
  for (int t = 0; t < 20000; t++) {
    memset(&st, 0, sizeof st);
    int kind = (int)(rnd() % 5);
    int k = (int)(rnd() % 4);
    for (int j = 0; j < k; j++) {
      int n = kind == 0 ? (int)(rnd() % 32) : kind == 1 ? (int)(32 + rnd() % 224) : kind == 2 ? (int)(rnd() % 256) :
              kind == 3 ? (int)((uint64_t[]){7, 8, 11, 12, 26, 27, 9, 10, 13}[rnd() % 9]) : (int)(256 + rnd() % 300);
      st.dyn_ltree[n].fc.freq = (ush)(1 + rnd() % 65535);
      st.dyn_ltree[n].dl.len = (ush)rnd();
    }
    see((uint64_t)detect_data_type(&st));
  }
}

static void time_case(void) {
  memset(&st, 0, sizeof st);
  st.dyn_ltree[200].fc.freq = 3;        /* gray-listed bytes plus one high byte: full scans */
  st.dyn_ltree[27].fc.freq = 1;
  long s = 0;
  for (int r = 0; r < 200000; r++) { s += detect_data_type(&st); st.dyn_ltree[200].fc.freq = (ush)(r & 1); }
  sink += (uint64_t)s;
}
