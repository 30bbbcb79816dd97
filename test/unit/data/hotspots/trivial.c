/* Nothing worth optimizing: getters, setters, a printing helper. */
#include <stdio.h>

struct point { int x, y; };

int point_x(const struct point *p) { return p->x; }
void point_set(struct point *p, int x, int y) { p->x = x; p->y = y; }
int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
void show(const struct point *p) { printf("(%d, %d)\n", p->x, p->y); }
