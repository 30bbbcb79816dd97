/* From zlib 1.2.13, trees.c (third_party/zlib-1.2.13.dfsg): guess whether a block is text
 * or binary from its literal frequencies. deflate_state is cut down to the one field the
 * function reads (types and sizes as in deflate.h); K&R parameters written as a
 * prototype; `local` dropped so it is exported. */
typedef unsigned short ush;

#define LITERALS  256
#define L_CODES (LITERALS+1+29)
#define HEAP_SIZE (2*L_CODES+1)
#define Z_BINARY   0
#define Z_TEXT     1

typedef struct ct_data_s {
    union {
        ush  freq;       /* frequency count */
        ush  code;       /* bit string */
    } fc;
    union {
        ush  dad;        /* father node in Huffman tree */
        ush  len;        /* length of bit string */
    } dl;
} ct_data;

#define Freq fc.freq

typedef struct internal_state {
    ct_data dyn_ltree[HEAP_SIZE];   /* literal and length tree */
} deflate_state;

int detect_data_type(deflate_state *s)
{
    /* block_mask is the bit mask of block-listed bytes
     * set bits 0..6, 14..25, and 28..31
     * 0xf3ffc07f = binary 11110011111111111100000001111111
     */
    unsigned long block_mask = 0xf3ffc07fUL;
    int n;

    /* Check for non-textual ("block-listed") bytes. */
    for (n = 0; n <= 31; n++, block_mask >>= 1)
        if ((block_mask & 1) && (s->dyn_ltree[n].Freq != 0))
            return Z_BINARY;

    /* Check for textual ("allow-listed") bytes. */
    if (s->dyn_ltree[9].Freq != 0 || s->dyn_ltree[10].Freq != 0
            || s->dyn_ltree[13].Freq != 0)
        return Z_TEXT;
    for (n = 32; n < LITERALS; n++)
        if (s->dyn_ltree[n].Freq != 0)
            return Z_TEXT;

    /* There are no "block-listed" or "allow-listed" bytes:
     * this stream either is empty or has tolerated ("gray-listed") bytes only.
     */
    return Z_BINARY;
}
