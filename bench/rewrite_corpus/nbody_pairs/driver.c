#define NB 400
extern double px[NB], py[NB], pz[NB], vx[NB], vy[NB], vz[NB], m[NB];
void advance(int n, double dt);
#include "harness.h"

static double val(double scale) { return ((double)(int64_t)(rnd() >> 11) / 4503599627370496.0) * scale; }

static void setup(int bench) {
  for (int i = 0; i < NB; i++) {
    if (bench) {
      px[i] = (i % 20) * 0.5; py[i] = (i / 20) * 0.5; pz[i] = (i % 7) * 0.25;
      vx[i] = vy[i] = vz[i] = 0.0; m[i] = 1.0 + (i % 3);
    } else {
      px[i] = val(10); py[i] = val(10); pz[i] = val(10); vx[i] = val(1); vy[i] = val(1); vz[i] = val(1);
      m[i] = rnd() % 9 == 0 ? 0.0 : val(3) + 3.0;
    }
  }
}

static void observe(void) {
  see_bytes(px, sizeof px); see_bytes(py, sizeof py); see_bytes(pz, sizeof pz);
  see_bytes(vx, sizeof vx); see_bytes(vy, sizeof vy); see_bytes(vz, sizeof vz); see_bytes(m, sizeof m);
}

static void check_case(void) {
  static const int ns[] = {0, 1, 2, 3, 4, 5, 6, 7, 16, 33, 100, 399, 400, -3};
  static const double dts[] = {0.001, -0.5, 0.0, 1e300};
  for (unsigned k = 0; k < sizeof ns / sizeof *ns; k++)
    for (unsigned d = 0; d < sizeof dts / sizeof *dts; d++) {
      setup(0);
      if (k % 3 == 0) px[1] = px[0], py[1] = py[0], pz[1] = pz[0];   /* coincident bodies */
      advance(ns[k], dts[d]);
      advance(ns[k], dts[d]);
      observe();
    }
  setup(1);
  for (int s = 0; s < 5; s++) advance(NB, 0.001);
  observe();
}

static void time_case(void) {
  setup(1);
  for (int s = 0; s < 10; s++) advance(NB, 0.001);
  sink += (uint64_t)(vx[17] * 1e12);
}
