/* From bench/kernels/quicksort.c: recursive quicksort of ints. */

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

/* Straight insertion sort of a[lo..hi]: fewer branches than partitioning on short ranges. */
static void insertion_sort(int *a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    int v = a[i], j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

void quicksort(int *a, int lo, int hi) {
  while (lo < hi && hi - lo > 16) {
    int pivot = a[lo + (hi - lo) / 2], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { swap(&a[i], &a[j]); i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
  if (lo < hi)
    insertion_sort(a, lo, hi);
}
