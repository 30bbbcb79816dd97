/* From bzip2 1.0.8, bzlib.c (third_party/bzip2-1.0.8): which bucket of the cumulative
 * frequency table an index falls into (the BWT inverse's hot lookup). */
typedef int Int32;

Int32 BZ2_indexIntoF ( Int32 indx, Int32 *cftab )
{
   Int32 nb, na, mid;
   nb = 0;
   na = 256;
   do {
      mid = (nb + na) >> 1;
      if (indx >= cftab[mid]) nb = mid; else na = mid;
   }
   while (na - nb != 1);
   return nb;
}
