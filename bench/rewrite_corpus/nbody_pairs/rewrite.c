/* From bench/kernels/nbody.c: one step of a direct-sum n-body simulation over the first n
 * bodies (softened gravity, then a position update). The body arrays are the kernel's
 * globals, exported here so that a driver can set them up. */
#include <math.h>
#define NB 400
double px[NB], py[NB], pz[NB], vx[NB], vy[NB], vz[NB], m[NB];

#include <emmintrin.h>

/* Accelerations of bodies i and i + 1 from bodies j in [lo, hi), one per SSE2 lane: each
 * lane does the original's operations in the original's order. */
static void advance_pair(int i, int lo, int hi, __m128d *ax, __m128d *ay, __m128d *az) {
  __m128d xi = _mm_loadu_pd(&px[i]), yi = _mm_loadu_pd(&py[i]), zi = _mm_loadu_pd(&pz[i]);
  const __m128d soft = _mm_set1_pd(0.01);
  for (int j = lo; j < hi; j++) {
    __m128d dx = _mm_sub_pd(_mm_set1_pd(px[j]), xi);
    __m128d dy = _mm_sub_pd(_mm_set1_pd(py[j]), yi);
    __m128d dz = _mm_sub_pd(_mm_set1_pd(pz[j]), zi);
    __m128d d2 = _mm_add_pd(_mm_add_pd(_mm_add_pd(_mm_mul_pd(dx, dx), _mm_mul_pd(dy, dy)), _mm_mul_pd(dz, dz)), soft);
    __m128d inv = _mm_div_pd(_mm_set1_pd(m[j]), _mm_mul_pd(d2, _mm_sqrt_pd(d2)));
    *ax = _mm_add_pd(*ax, _mm_mul_pd(dx, inv));
    *ay = _mm_add_pd(*ay, _mm_mul_pd(dy, inv));
    *az = _mm_add_pd(*az, _mm_mul_pd(dz, inv));
  }
}

/* The original's inner loop for one body i and one j. */
static void advance_one(int i, int j, double *ax, double *ay, double *az) {
  double dx = px[j] - px[i], dy = py[j] - py[i], dz = pz[j] - pz[i];
  double d2 = dx * dx + dy * dy + dz * dz + 0.01;
  double inv = m[j] / (d2 * sqrt(d2));
  *ax += dx * inv; *ay += dy * inv; *az += dz * inv;
}

void advance(int n, double dt) {
  int i = 0;
  for (; i + 1 < n; i += 2) {
    /* Bodies i and i + 1 together: j < i, then j == i (only i + 1 sees it), j == i + 1
     * (only i sees it), then j > i + 1; the velocities are not read by this loop. */
    __m128d ax = _mm_setzero_pd(), ay = _mm_setzero_pd(), az = _mm_setzero_pd();
    advance_pair(i, 0, i, &ax, &ay, &az);
    double a0[2], a1[2], a2[2];
    _mm_storeu_pd(a0, ax); _mm_storeu_pd(a1, ay); _mm_storeu_pd(a2, az);
    advance_one(i + 1, i, &a0[1], &a1[1], &a2[1]);
    advance_one(i, i + 1, &a0[0], &a1[0], &a2[0]);
    ax = _mm_loadu_pd(a0); ay = _mm_loadu_pd(a1); az = _mm_loadu_pd(a2);
    advance_pair(i, i + 2, n, &ax, &ay, &az);
    _mm_storeu_pd(a0, ax); _mm_storeu_pd(a1, ay); _mm_storeu_pd(a2, az);
    vx[i] += dt * a0[0]; vy[i] += dt * a1[0]; vz[i] += dt * a2[0];
    vx[i + 1] += dt * a0[1]; vy[i + 1] += dt * a1[1]; vz[i + 1] += dt * a2[1];
  }
  for (; i < n; i++) {               /* an odd last body: the original loop */
    double ax = 0, ay = 0, az = 0;
    for (int j = 0; j < n; j++)
      if (j != i) advance_one(i, j, &ax, &ay, &az);
    vx[i] += dt * ax; vy[i] += dt * ay; vz[i] += dt * az;
  }
  for (int i = 0; i < n; i++) { px[i] += dt * vx[i]; py[i] += dt * vy[i]; pz[i] += dt * vz[i]; }
}
