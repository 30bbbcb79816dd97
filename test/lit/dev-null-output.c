// `-o /dev/null` (configure-style probes) compiles and leaves /dev/null a character
// device: llmcc must not rename a temp file over it.
// REQUIRES: root
// RUN: %llmcc -O2 -c %s -o /dev/null
// RUN: %{python} -c "import os, stat, sys; sys.exit(0 if stat.S_ISCHR(os.stat('/dev/null').st_mode) else 1)"
int f(int x) { return x + 2; }
