/* Breadth-first search from several roots on a generated graph (CSR); prints a distance checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#define V 200000
#define DEG 8
#define ROOTS 16

long bfs(int v, const int *adj_start, const int *adj, int root, int *dist, int *queue) {
  for (int i = 0; i < v; i++) dist[i] = -1;
  int head = 0, tail = 0;
  dist[root] = 0; queue[tail++] = root;
  long total = 0;
  while (head < tail) {
    int u = queue[head++];
    total += dist[u];
    for (int k = adj_start[u]; k < adj_start[u + 1]; k++) {
      int w = adj[k];
      if (dist[w] < 0) { dist[w] = dist[u] + 1; queue[tail++] = w; }
    }
  }
  return total;
}

int main(void) {
  int *start = malloc((V + 1) * sizeof *start), *adj = malloc((size_t)V * DEG * sizeof *adj);
  int *dist = malloc(V * sizeof *dist), *queue = malloc(V * sizeof *queue);
  uint32_t s = 17;
  for (int u = 0; u <= V; u++) start[u] = u * DEG;
  for (int k = 0; k < V * DEG; k++) {
    s = s * 1103515245u + 12345u;
    adj[k] = (k % 2) ? (k / DEG + 1) % V : (int)((s >> 8) % V);
  }
  long sum = 0;
  for (int r = 0; r < ROOTS; r++) sum += bfs(V, start, adj, (r * 7919) % V, dist, queue);
  printf("%ld\n", sum);
  free(start); free(adj); free(dist); free(queue);
  return 0;
}
