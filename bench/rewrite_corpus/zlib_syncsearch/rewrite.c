/* From zlib 1.2.13, inflate.c (third_party/zlib-1.2.13.dfsg): inflateSync's scan for the
 * 00 00 FF FF marker. K&R parameters written as a prototype; `local` dropped. */

/*
   Search buf[0..len-1] for the pattern: 0, 0, 0xff, 0xff.  Return when found
   or when out of input.  When called, *have is the number of pattern bytes
   found in order so far, in 0..3.  On return *have is updated to the new
   state.  If on return *have equals four, then the pattern was found and the
   return value is how many bytes were read including the last byte of the
   pattern.  If *have is less than four, then the pattern has not been found
   yet and the return value is len.  In the latter case, syncsearch() can be
   called again with more data and the *have state.  *have is initialized to
   zero for the first call.
 */
#include <string.h>

unsigned syncsearch(unsigned *have, const unsigned char *buf, unsigned len)
{
    unsigned got;
    unsigned next;

    got = *have;
    next = 0;
    while (next < len && got < 4) {
        if (got == 0) {
            /* With nothing matched, every nonzero byte leaves got at 0: jump straight
             * to the next zero byte (or to the end). */
            const unsigned char *z = memchr(buf + next, 0, len - next);
            if (z == NULL) {
                next = len;
                break;
            }
            next = (unsigned)(z - buf);
        }
        if ((int)(buf[next]) == (got < 2 ? 0 : 0xff))
            got++;
        else if (buf[next])
            got = 0;
        else
            got = 4 - got;
        next++;
    }
    *have = got;
    return next;
}
