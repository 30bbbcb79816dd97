/* From bzip2 1.0.8, huffman.c (third_party/bzip2-1.0.8): canonical Huffman code
 * assignment, run for every coding table of every block. Types as in bzlib_private.h. */
typedef int Int32;
typedef unsigned char UChar;

void BZ2_hbAssignCodes ( Int32 *code,
                         UChar *length,
                         Int32 minLen,
                         Int32 maxLen,
                         Int32 alphaSize )
{
   Int32 n, vec, i;

   vec = 0;
   for (n = minLen; n <= maxLen; n++) {
      for (i = 0; i < alphaSize; i++)
         if (length[i] == n) { code[i] = vec; vec++; };
      vec <<= 1;
   }
}
