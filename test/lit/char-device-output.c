// Any character device given as -o stays a device (checked on a private node with the
// numbers of /dev/null, so a driver bug cannot break the machine's /dev/null).
// REQUIRES: root
// RUN: rm -f %t.null && mknod %t.null c 1 3
// RUN: %llmcc -O2 -c %s -o %t.null
// RUN: %{python} -c "import os, stat, sys; sys.exit(0 if stat.S_ISCHR(os.stat(r'%t.null').st_mode) else 1)"
// RUN: rm -f %t.null
int f(int x) { return x + 2; }
