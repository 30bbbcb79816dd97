unsigned mul7(unsigned x) { return (x << 3) - x; }
