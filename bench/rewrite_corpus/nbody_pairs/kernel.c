/* From bench/kernels/nbody.c: one step of a direct-sum n-body simulation over the first n
 * bodies (softened gravity, then a position update). The body arrays are the kernel's
 * globals, exported here so that a driver can set them up. */
#include <math.h>
#define NB 400
double px[NB], py[NB], pz[NB], vx[NB], vy[NB], vz[NB], m[NB];

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
