/* From bzip2 1.0.8, huffman.c (third_party/bzip2-1.0.8): the decoder's limit/base/perm
 * tables for one Huffman table, built for every table of every block. Types and
 * BZ_MAX_CODE_LEN as in bzlib_private.h. */
typedef int Int32;
typedef unsigned char UChar;
#define BZ_MAX_CODE_LEN    23

#include <stdint.h>

void BZ2_hbCreateDecodeTables ( Int32 *limit,
                                Int32 *base,
                                Int32 *perm,
                                UChar *length,
                                Int32 minLen,
                                Int32 maxLen,
                                Int32 alphaSize )
{
   Int32 pp, i, j, vec;

   uintptr_t pb = (uintptr_t)perm, lb = (uintptr_t)length;
   uintptr_t n = alphaSize > 0 ? (uintptr_t)alphaSize : 0;
   if (minLen <= maxLen && (pb + n * sizeof(Int32) <= lb || lb + n <= pb)) {
      /* perm lists the symbols by code length, then by symbol: a counting sort gives
         the same order in two passes instead of one pass per length */
      Int32 count[256] = {0}, start[256];
      for (j = 0; j < alphaSize; j++) count[length[j]]++;
      pp = 0;
      for (i = minLen; i <= maxLen; i++)
         if (i >= 0 && i <= 255) { start[i] = pp; pp += count[i]; }
      for (j = 0; j < alphaSize; j++) {
         Int32 l = length[j];
         if (l >= minLen && l <= maxLen) perm[start[l]++] = j;
      }
   } else {
      /* perm may overlap length (or nothing to list): keep the original scan */
      pp = 0;
      for (i = minLen; i <= maxLen; i++)
         for (j = 0; j < alphaSize; j++)
            if (length[j] == i) { perm[pp] = j; pp++; };
   }

   for (i = 0; i < BZ_MAX_CODE_LEN; i++) base[i] = 0;
   for (i = 0; i < alphaSize; i++) base[length[i]+1]++;

   for (i = 1; i < BZ_MAX_CODE_LEN; i++) base[i] += base[i-1];

   for (i = 0; i < BZ_MAX_CODE_LEN; i++) limit[i] = 0;
   vec = 0;

   for (i = minLen; i <= maxLen; i++) {
      vec += (base[i+1] - base[i]);
      limit[i] = vec-1;
      vec <<= 1;
   }
   for (i = minLen + 1; i <= maxLen; i++)
      base[i] = ((limit[i-1] + 1) << 1) - base[i];
}
