/* Same results at -O2 (wrapping), but signed overflow is undefined behaviour: UBSan must say so. */
unsigned mul7(unsigned x) { int y = (int)x; return (unsigned)(y * 7); }
