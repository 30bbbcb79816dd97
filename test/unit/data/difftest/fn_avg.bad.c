/* Wrong: a + b overflows for large inputs. */
int avg(int a, int b) { return (a + b) / 2; }
