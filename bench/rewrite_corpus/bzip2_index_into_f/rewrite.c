/* From bzip2 1.0.8, bzlib.c (third_party/bzip2-1.0.8): which bucket of the cumulative
 * frequency table an index falls into (the BWT inverse's hot lookup). */
typedef int Int32;

Int32 BZ2_indexIntoF ( Int32 indx, Int32 *cftab )
{
   /* [nb, nb + 2*step) halves 8 times from [0, 256); mid is always nb + step */
   Int32 nb = 0;
   nb += (indx >= cftab[nb + 128]) ? 128 : 0;
   nb += (indx >= cftab[nb + 64]) ? 64 : 0;
   nb += (indx >= cftab[nb + 32]) ? 32 : 0;
   nb += (indx >= cftab[nb + 16]) ? 16 : 0;
   nb += (indx >= cftab[nb + 8]) ? 8 : 0;
   nb += (indx >= cftab[nb + 4]) ? 4 : 0;
   nb += (indx >= cftab[nb + 2]) ? 2 : 0;
   nb += (indx >= cftab[nb + 1]) ? 1 : 0;
   return nb;
}
