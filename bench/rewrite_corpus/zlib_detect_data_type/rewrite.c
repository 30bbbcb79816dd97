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
    /* One bit per byte value 0..31 whose frequency is nonzero; then the block list
     * (0xf3ffc07f) and the allow list (9, 10, 13) are single mask tests. */
    unsigned long seen = 0;
    int n;

    for (n = 0; n <= 31; n++)
        seen |= (unsigned long)(s->dyn_ltree[n].Freq != 0) << n;
    if (seen & 0xf3ffc07fUL)
        return Z_BINARY;
    if (seen & ((1UL << 9) | (1UL << 10) | (1UL << 13)))
        return Z_TEXT;

    /* Any other printable byte makes it text: OR the frequencies together (no early
     * exit, so the loop vectorizes; all 224 entries are inside the tree array). */
    unsigned any = 0;
    for (n = 32; n < LITERALS; n++)
        any |= s->dyn_ltree[n].Freq;
    return any != 0 ? Z_TEXT : Z_BINARY;
}
