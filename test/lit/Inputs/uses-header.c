#include "header.h"

int scale(int x) { return x * SCALE; }
