int avg(int a, int b) { return (int)(((long long)a + b) / 2); }
