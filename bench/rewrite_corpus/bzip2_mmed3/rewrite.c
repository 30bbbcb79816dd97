/* From bzip2 1.0.8, blocksort.c (third_party/bzip2-1.0.8): median of three bytes, the
 * pivot choice of the block sorter's three-way quicksort. */
typedef unsigned char UChar;

static inline UChar umin8 ( UChar x, UChar y ) { return x < y ? x : y; }
static inline UChar umax8 ( UChar x, UChar y ) { return x < y ? y : x; }

UChar mmed3 ( UChar a, UChar b, UChar c )
{
   /* median = max(min(a, b), min(max(a, b), c)): three selects, no branches */
   return umax8(umin8(a, b), umin8(umax8(a, b), c));
}
