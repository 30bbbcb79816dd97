/* From bzip2 1.0.8, huffman.c (third_party/bzip2-1.0.8): canonical Huffman code
 * assignment, run for every coding table of every block. Types as in bzlib_private.h. */
typedef int Int32;
typedef unsigned char UChar;

#include <stdint.h>

void BZ2_hbAssignCodes ( Int32 *code,
                         UChar *length,
                         Int32 minLen,
                         Int32 maxLen,
                         Int32 alphaSize )
{
   Int32 n, vec, i;

   if (minLen > maxLen) return;
   uintptr_t cb = (uintptr_t)code, ce = cb + (alphaSize > 0 ? (uintptr_t)alphaSize * sizeof(Int32) : 0);
   uintptr_t lb = (uintptr_t)length, le = lb + (alphaSize > 0 ? (uintptr_t)alphaSize : 0);
   if (ce <= lb || le <= cb) {
      /* Counting pass: codes of length n start where the loop over n would reach them,
         then one pass hands them out in symbol order. */
      Int32 count[256] = {0}, next[256];
      for (i = 0; i < alphaSize; i++) count[length[i]]++;
      vec = 0;
      for (n = minLen; n <= maxLen; n++) {
         if (n >= 0 && n <= 255) { next[n] = vec; vec += count[n]; }
         vec <<= 1;
      }
      for (i = 0; i < alphaSize; i++) {
         Int32 l = length[i];
         if (l >= minLen && l <= maxLen) code[i] = next[l]++;
      }
      return;
   }
   /* code overlaps length: writes may change lengths still to be read; keep the order */
   vec = 0;
   for (n = minLen; n <= maxLen; n++) {
      for (i = 0; i < alphaSize; i++)
         if (length[i] == n) { code[i] = vec; vec++; };
      vec <<= 1;
   }
}
