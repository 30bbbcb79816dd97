/* From bench/kernels/quicksort.c: recursive quicksort of ints. */

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

void quicksort(int *a, int lo, int hi) {
  while (lo < hi) {
    int pivot = a[lo + (hi - lo) / 2], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { swap(&a[i], &a[j]); i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(a, lo, j); lo = i; }
    else { quicksort(a, i, hi); hi = j; }
  }
}
