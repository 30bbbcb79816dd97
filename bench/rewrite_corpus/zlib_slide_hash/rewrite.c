/* From zlib 1.2.13, deflate.c (third_party/zlib-1.2.13.dfsg): slide the hash table when
 * the window moves. deflate_state is cut down to the four fields the function uses (same
 * types as deflate.h); K&R parameters written as a prototype; `local` dropped. */
typedef unsigned short Pos;
typedef Pos Posf;
typedef unsigned int uInt;
#define NIL 0

typedef struct internal_state {
    uInt  w_size;        /* LZ77 window size (32K by default) */
    Posf *prev;          /* Link to older string with same hash index */
    Posf *head;          /* Heads of the hash chains or NIL. */
    uInt  hash_size;     /* number of elements in hash table */
} deflate_state;

/* Rebase n positions by wsize, clamping at NIL. A forward loop the compiler vectorizes:
 * each entry depends only on itself, so the order of the updates does not matter. */
static void slide_positions(Posf *p, unsigned n, uInt wsize)
{
    for (unsigned i = 0; i < n; i++) {
        unsigned m = p[i];
        p[i] = (Pos)(m >= wsize ? m - wsize : NIL);
    }
}

void slide_hash(deflate_state *s)
{
    unsigned n, m;
    Posf *p;
    uInt wsize = s->w_size;

    if (s->hash_size != 0 && wsize != 0) {
        slide_positions(s->head, s->hash_size, wsize);
        slide_positions(s->prev, wsize, wsize);
        return;
    }
    /* a zero count makes the do/while loops below wrap around: keep them as they were */
    n = s->hash_size;
    p = &s->head[n];
    do {
        m = *--p;
        *p = (Pos)(m >= wsize ? m - wsize : NIL);
    } while (--n);
    n = wsize;
    p = &s->prev[n];
    do {
        m = *--p;
        *p = (Pos)(m >= wsize ? m - wsize : NIL);
    } while (--n);
}
