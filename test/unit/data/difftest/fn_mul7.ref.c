unsigned mul7(unsigned x) { return x * 7; }
