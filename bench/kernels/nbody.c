/* Direct-sum n-body simulation; prints the total energy as a hex float. */
#include <stdio.h>
#include <math.h>
#define NB 400
#define STEPS 100
static double px[NB], py[NB], pz[NB], vx[NB], vy[NB], vz[NB], m[NB];

void advance(int n, double dt) {
  for (int i = 0; i < n; i++) {
    double ax = 0, ay = 0, az = 0;
    for (int j = 0; j < n; j++) {
      if (j == i) continue;
      double dx = px[j] - px[i], dy = py[j] - py[i], dz = pz[j] - pz[i];
      double d2 = dx * dx + dy * dy + dz * dz + 0.01;
      double inv = m[j] / (d2 * sqrt(d2));
      ax += dx * inv; ay += dy * inv; az += dz * inv;
    }
    vx[i] += dt * ax; vy[i] += dt * ay; vz[i] += dt * az;
  }
  for (int i = 0; i < n; i++) { px[i] += dt * vx[i]; py[i] += dt * vy[i]; pz[i] += dt * vz[i]; }
}

int main(void) {
  for (int i = 0; i < NB; i++) {
    px[i] = (i % 20) * 0.5; py[i] = (i / 20) * 0.5; pz[i] = (i % 7) * 0.25;
    vx[i] = vy[i] = vz[i] = 0.0; m[i] = 1.0 + (i % 3);
  }
  for (int s = 0; s < STEPS; s++) advance(NB, 0.001);
  double e = 0.0;
  for (int i = 0; i < NB; i++) e += 0.5 * m[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
  printf("%a\n", e);
  return 0;
}
