/* From bzip2 1.0.8, blocksort.c (third_party/bzip2-1.0.8): median of three bytes, the
 * pivot choice of the block sorter's three-way quicksort. */
typedef unsigned char UChar;

UChar mmed3 ( UChar a, UChar b, UChar c )
{
   UChar t;
   if (a > b) { t = a; a = b; b = t; };
   if (b > c) { 
      b = c;
      if (a > b) b = a;
   }
   return b;
}
