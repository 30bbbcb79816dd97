/* A TU with a real loop nest, so llmcc's optimization path (not pass-through) runs. */
unsigned checksum(const unsigned char *data, unsigned long n)
{
    unsigned h = 2166136261u;
    for (unsigned long i = 0; i < n; i++) {
        h ^= data[i];
        h *= 16777619u;
        for (int bit = 0; bit < 8; bit++)
            h = (h >> 1) ^ (0xEDB88320u & -(h & 1u));
    }
    return h;
}

double dot(const double *a, const double *b, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}
