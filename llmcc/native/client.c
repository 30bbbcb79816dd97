/* llmcc's native client: `CC=llmcc` without starting Python on every compiler call.
 *
 * A build calls the compiler hundreds of times (configure probes, compiles, links); each
 * Python start-up costs 20-30 ms next to clang runs of 30-100 ms. This client hands the
 * call to a long-lived llmcc server (llmcc/server.py) over a per-user UNIX socket:
 * argv, the environment and the umask as bytes, stdin/stdout/stderr and the working
 * directory as file descriptors (SCM_RIGHTS). The server forks a worker with llmcc's
 * modules already imported, which runs the same `run_compiler` as the Python entry, and
 * sends back the exit status; the client exits with it (or dies by the same signal).
 *
 * The build never breaks: if anything goes wrong before the server says the compile has
 * started (no server, refused, stale socket, version skew, protocol error), or the server
 * dies before reporting a status, the client execs the Python entry instead. With no
 * server running it also starts one in the background for the next calls.
 *
 * Built by scripts/setup.sh with -DLLMCC_PYTHON="<venv python>" and
 * -DLLMCC_CLIENT_ID="<hash of this install>". LLMCC_SERVER=0 disables the server;
 * LLMCC_SERVER_DIR chooses where the socket lives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef LLMCC_PYTHON
#error "build with -DLLMCC_PYTHON=\"/path/to/venv/bin/python\""
#endif
#ifndef LLMCC_CLIENT_ID
#define LLMCC_CLIENT_ID "dev"
#endif

#define PROTOCOL "LLMCC/3"

extern char **environ;

static int g_argc;
static char **g_argv;
static volatile sig_atomic_t g_sock = -1;

/* The Python entry, exactly as the console script runs it (llmcc.cli:main), with our
 * argv[0] kept: the driver tells compiler, launcher and masquerade forms apart by it.
 * -P keeps the caller's working directory off sys.path. */
static const char PY_ENTRY[] =
    "import sys\n"
    "del sys.argv[0]\n"
    "from llmcc.cli import main\n"
    "sys.exit(main())\n";

static void exec_python(void) {
    char **argv = calloc((size_t)g_argc + 5, sizeof *argv);
    if (argv) {
        int n = 0;
        argv[n++] = LLMCC_PYTHON;
        argv[n++] = "-P";
        argv[n++] = "-c";
        argv[n++] = (char *)PY_ENTRY;
        for (int i = 0; i < g_argc; i++) argv[n++] = g_argv[i];
        argv[n] = NULL;
        execv(LLMCC_PYTHON, argv);
    }
    fprintf(stderr, "llmcc: error: cannot run %s: %s\n", LLMCC_PYTHON, strerror(errno));
    _exit(127);
}

/* FNV-1a: names the socket after this install, so two installs never share a server. */
static uint64_t fnv1a(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* A private directory for the socket: ours, not a symlink, no access for others. */
static int private_dir(const char *dir) {
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid()
        || (st.st_mode & 077) != 0)
        return -1;
    return 0;
}

static int socket_path(char *out, size_t size) {
    char dir[4096];
    const char *env = getenv("LLMCC_SERVER_DIR");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (env && *env)
        snprintf(dir, sizeof dir, "%s", env);
    else if (xdg && *xdg && access(xdg, W_OK) == 0)
        snprintf(dir, sizeof dir, "%s/llmcc", xdg);
    else
        snprintf(dir, sizeof dir, "/tmp/llmcc-server-%u", (unsigned)getuid());
    if (private_dir(dir) != 0) return -1;
    int n = snprintf(out, size, "%s/s-%016llx", dir,
                     (unsigned long long)fnv1a(LLMCC_PYTHON "\n" LLMCC_CLIENT_ID));
    return (n > 0 && (size_t)n < size) ? 0 : -1;
}

/* Start a server in the background unless one holds the lock (running or starting). */
static void spawn_server(const char *sock) {
    char lock[sizeof(((struct sockaddr_un *)0)->sun_path) + 8];
    snprintf(lock, sizeof lock, "%s.lock", sock);
    int fresh = 1;
    int fd = open(lock, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        fresh = 0;
        fd = open(lock, O_RDWR | O_CLOEXEC);
    }
    if (fd < 0) return;
    int busy = flock(fd, LOCK_EX | LOCK_NB) != 0;
    /* A server that cannot start (a broken install) must not cost every call a second
     * Python start-up: one attempt per few seconds, stamped on the lock file. */
    struct stat st;
    time_t now = time(NULL);
    if (!busy && !fresh && fstat(fd, &st) == 0 && now >= st.st_mtime && now - st.st_mtime < 5)
        busy = 1;
    if (!busy && !fresh) futimens(fd, NULL);
    close(fd);
    if (busy) return;
    pid_t pid = fork();
    if (pid < 0) return;
    if (pid == 0) {
        /* Detach twice so the server is nobody's child in the build and outlives it. */
        setsid();
        if (fork() != 0) _exit(0);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            if (null > 2) close(null);
        }
        char *argv[] = {LLMCC_PYTHON, "-P", "-m", "llmcc.server", "--socket", (char *)sock,
                        "--identity", LLMCC_CLIENT_ID, NULL};
        execv(LLMCC_PYTHON, argv);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

/* Request: u32 length, then NUL-separated fields: protocol, identity, umask, process
 * group (the build a compile belongs to, llmcc/session.py), nice value, argc, argv..., envc,
 * env...  fds 0, 1, 2 and the working directory travel with the first byte. */
static char *build_request(size_t *len) {
    size_t envc = 0, size = 64 + sizeof(PROTOCOL) + sizeof(LLMCC_CLIENT_ID);
    for (int i = 0; i < g_argc; i++) size += strlen(g_argv[i]) + 1;
    for (char **e = environ; *e; e++, envc++) size += strlen(*e) + 1;
    char *buf = malloc(size + 4);
    if (!buf) return NULL;
    char *p = buf + 4;
    mode_t mask = umask(0);
    umask(mask);
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    if (nice == -1 && errno != 0) nice = 0;
    p += sprintf(p, "%s%c%s%c%o%c%d%c%d%c%d%c", PROTOCOL, 0, LLMCC_CLIENT_ID, 0, (unsigned)mask,
                 0, (int)getpgrp(), 0, nice, 0, g_argc, 0);
    for (int i = 0; i < g_argc; i++) p = stpcpy(p, g_argv[i]) + 1;
    p += sprintf(p, "%zu%c", envc, 0);
    for (char **e = environ; *e; e++) p = stpcpy(p, *e) + 1;
    uint32_t body = (uint32_t)(p - buf - 4);
    memcpy(buf, &body, 4);   /* little-endian on x86-64; the server reads "<I" */
    *len = (size_t)(p - buf);
    return buf;
}

static int send_request(int sock) {
    size_t len;
    char *buf = build_request(&len);
    if (!buf) return -1;
    int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cwd < 0) { free(buf); return -1; }
    int fds[4] = {0, 1, 2, cwd};
    union { struct cmsghdr h; char space[CMSG_SPACE(sizeof fds)]; } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = {buf, len};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.space;
    msg.msg_controllen = sizeof ctl.space;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    close(cwd);
    size_t done = n > 0 ? (size_t)n : 0;
    while (n >= 0 && done < len) {   /* a big environment may take several writes */
        n = send(sock, buf + done, len - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) { n = 0; continue; }
        if (n > 0) done += (size_t)n;
    }
    free(buf);
    return n < 0 ? -1 : 0;
}

static int read_full(int fd, void *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

/* make's Ctrl-C or a killed job reaches the client: pass the signal to the worker (the
 * server signals its whole process group, clang included). */
static void forward_signal(int sig) {
    int saved = errno;
    unsigned char m[2] = {'G', (unsigned char)sig};
    if (g_sock >= 0) send(g_sock, m, 2, MSG_NOSIGNAL | MSG_DONTWAIT);
    errno = saved;
}

static int server_disabled(void) {
    const char *v = getenv("LLMCC_SERVER");
    return v && (!strcmp(v, "0") || !strcasecmp(v, "off") || !strcasecmp(v, "no")
                 || !strcasecmp(v, "false"));
}

int main(int argc, char **argv) {
    g_argc = argc;
    g_argv = argv;
    if (argc < 1 || server_disabled()) exec_python();
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    if (socket_path(path, sizeof path) != 0) exec_python();
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) exec_python();
    struct sockaddr_un addr = {0};
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if (connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(sock);
        spawn_server(path);   /* for the next calls; this one runs in Python now */
        exec_python();
    }
    unsigned char reply[5];
    if (send_request(sock) != 0 || read_full(sock, reply, 1) != 0 || reply[0] != 'S') {
        /* 'R': the server is stale (older install, edited sources) and is going away. */
        close(sock);
        exec_python();
    }
    g_sock = sock;
    struct sigaction sa = {0};
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
        sigaction(forwarded[i], &sa, NULL);
    if (read_full(sock, reply, 5) != 0) {
        /* The server died under the compile (its worker dies with it): run it again in
         * Python. Outputs are written atomically, so a half-done first run does no harm. */
        close(sock);
        g_sock = -1;
        exec_python();
    }
    int32_t value;
    memcpy(&value, reply + 1, 4);
    if (reply[0] == 'X') return value & 0xff;
    if (reply[0] == 'K') {
        /* The worker (clang) died by a signal: so do we, as a directly run clang would. */
        signal(value, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, value);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(value);
        return 128 + value;
    }
    /* 'F': the worker failed before the compile started (a server problem): Python. */
    close(sock);
    g_sock = -1;
    exec_python();
}
