/*
 * zkload: a small closed-loop load generator on libzookeeper-mt's async API,
 * for profiling a ZooKeeper server (swiftzk or Apache) on this machine.
 *
 *   zkload --server 127.0.0.1:2181 --mode read|write [--conns 8] [--inflight 32]
 *          [--keys 100] [--size 100] [--warmup 3] [--duration 10]
 *          [--ops N] [--pid SERVER_PID] [--hook CMD]
 *
 * It creates /zkload/k0..k<keys-1> (size bytes each), opens `conns`
 * connections, keeps `inflight` requests outstanding on each (a completion
 * issues the next request), warms up for `warmup` seconds, then measures for
 * `duration` seconds, or until `ops` requests complete when --ops is given.
 * read = getData of a random key, write = setData (version -1) of one.
 *
 * With --pid it reports the server's CPU time (utime+stime from
 * /proc/PID/stat) over the measured window, per 1,000 requests. With --hook,
 * `CMD start` runs just before the window and `CMD end` just after it (e.g.
 * to zero and dump a callgrind profile).
 *
 * Output: one line of key=value pairs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <zookeeper/zookeeper.h>

enum { WARMUP = 0, MEASURE = 1, STOP = 2 };
/* Latency histogram: 1 us buckets up to 1 s; larger goes to the last. */
#define HIST_BUCKETS 1000000

struct conn;
struct slot {
    struct conn *conn;
    uint64_t start_ns;
    unsigned seed;
};
struct conn {
    zhandle_t *zh;
    volatile int connected;
    uint64_t completed; /* atomic */
    uint64_t errors;    /* atomic */
    int inflight;       /* atomic */
    uint32_t *hist;     /* written by this handle's completion thread only */
    struct slot *slots;
};

static const char *server = "127.0.0.1:2181";
static int mode_write = 0;
static int nconns = 8, depth = 32, nkeys = 100, value_size = 100;
static double warmup_s = 3, duration_s = 10;
static long long target_ops = 0;
static int server_pid = 0;
static const char *hook = NULL;
static int phase = WARMUP; /* atomic */
static char **paths;
static char *value;
static struct conn *conns;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "zkload: %s\n", what);
    exit(2);
}

static void watcher(zhandle_t *zh, int type, int state, const char *path, void *ctx) {
    (void)zh; (void)path;
    struct conn *c = ctx;
    if (c && type == ZOO_SESSION_EVENT && state == ZOO_CONNECTED_STATE) c->connected = 1;
}

static void issue(struct slot *s);

static void done(struct slot *s, int rc) {
    struct conn *c = s->conn;
    int ph = __atomic_load_n(&phase, __ATOMIC_RELAXED);
    if (rc != ZOK) __atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
    if (ph == MEASURE) {
        uint64_t us = (now_ns() - s->start_ns) / 1000;
        c->hist[us < HIST_BUCKETS ? us : HIST_BUCKETS - 1]++;
    }
    __atomic_fetch_add(&c->completed, 1, __ATOMIC_RELAXED);
    if (ph == STOP) {
        __atomic_fetch_sub(&c->inflight, 1, __ATOMIC_RELAXED);
        return;
    }
    issue(s);
}

static void data_done(int rc, const char *v, int len, const struct Stat *st, const void *data) {
    (void)v; (void)len; (void)st;
    done((struct slot *)data, rc);
}

static void stat_done(int rc, const struct Stat *st, const void *data) {
    (void)st;
    done((struct slot *)data, rc);
}

static void issue(struct slot *s) {
    const char *path = paths[rand_r(&s->seed) % (unsigned)nkeys];
    s->start_ns = now_ns();
    int rc = mode_write
        ? zoo_aset(s->conn->zh, path, value, value_size, -1, stat_done, s)
        : zoo_aget(s->conn->zh, path, 0, data_done, s);
    if (rc != ZOK) {
        __atomic_fetch_add(&s->conn->errors, 1, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&s->conn->inflight, 1, __ATOMIC_RELAXED);
    }
}

static zhandle_t *open_conn(struct conn *c) {
    zhandle_t *zh = zookeeper_init(server, watcher, 30000, NULL, c, 0);
    if (!zh) die("zookeeper_init failed");
    uint64_t deadline = now_ns() + 10000000000ull;
    while (!c->connected) {
        if (now_ns() > deadline) die("no session within 10 s");
        usleep(1000);
    }
    return zh;
}

static uint64_t total_completed(void) {
    uint64_t n = 0;
    for (int i = 0; i < nconns; i++) n += __atomic_load_n(&conns[i].completed, __ATOMIC_RELAXED);
    return n;
}

/* utime + stime of PID in seconds, or -1. */
static double proc_cpu(int pid) {
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    /* Fields after the command: state(3) ... utime(14) stime(15). */
    unsigned long long ut = 0, st = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void run_hook(const char *arg) {
    if (!hook) return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s", hook, arg);
    if (system(cmd) != 0) fprintf(stderr, "zkload: hook '%s' failed\n", cmd);
}

static void setup_keys(void) {
    struct conn c = {0};
    zhandle_t *zh = open_conn(&c);
    int rc = zoo_create(zh, "/zkload", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
    if (rc != ZOK && rc != ZNODEEXISTS) die("cannot create /zkload");
    for (int i = 0; i < nkeys; i++) {
        rc = zoo_create(zh, paths[i], value, value_size, &ZOO_OPEN_ACL_UNSAFE, 0, NULL, 0);
        if (rc == ZNODEEXISTS) rc = zoo_set(zh, paths[i], value, value_size, -1);
        if (rc != ZOK) die("cannot create the keys");
    }
    zookeeper_close(zh);
}

static double percentile(const uint64_t *hist, uint64_t total, double q) {
    uint64_t want = (uint64_t)(q * (double)total), seen = 0;
    for (int i = 0; i < HIST_BUCKETS; i++) {
        seen += hist[i];
        if (seen > want) return i;
    }
    return HIST_BUCKETS - 1;
}

static void usage(void) {
    fprintf(stderr, "usage: zkload --server HOST:PORT --mode read|write [--conns N] [--inflight M] [--keys K]\n"
                    "              [--size BYTES] [--warmup S] [--duration S] [--ops N] [--pid PID] [--hook CMD]\n");
    exit(2);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--server")) server = v;
        else if (!strcmp(a, "--mode")) {
            if (!strcmp(v, "write")) mode_write = 1;
            else if (strcmp(v, "read")) usage();
        } else if (!strcmp(a, "--conns")) nconns = atoi(v);
        else if (!strcmp(a, "--inflight")) depth = atoi(v);
        else if (!strcmp(a, "--keys")) nkeys = atoi(v);
        else if (!strcmp(a, "--size")) value_size = atoi(v);
        else if (!strcmp(a, "--warmup")) warmup_s = atof(v);
        else if (!strcmp(a, "--duration")) duration_s = atof(v);
        else if (!strcmp(a, "--ops")) target_ops = atoll(v);
        else if (!strcmp(a, "--pid")) server_pid = atoi(v);
        else if (!strcmp(a, "--hook")) hook = v;
        else usage();
    }
    if (nconns < 1 || depth < 1 || nkeys < 1 || value_size < 0) usage();
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);

    value = malloc((size_t)value_size + 1);
    for (int i = 0; i < value_size; i++) value[i] = (char)('a' + i % 26);
    paths = calloc((size_t)nkeys, sizeof *paths);
    for (int i = 0; i < nkeys; i++) {
        if (asprintf(&paths[i], "/zkload/k%d", i) < 0) die("out of memory");
    }
    setup_keys();

    conns = calloc((size_t)nconns, sizeof *conns);
    for (int i = 0; i < nconns; i++) {
        conns[i].hist = calloc(HIST_BUCKETS, sizeof(uint32_t));
        conns[i].slots = calloc((size_t)depth, sizeof(struct slot));
        if (!conns[i].hist || !conns[i].slots) die("out of memory");
        conns[i].zh = open_conn(&conns[i]);
    }
    for (int i = 0; i < nconns; i++) {
        conns[i].inflight = depth;
        for (int j = 0; j < depth; j++) {
            struct slot *s = &conns[i].slots[j];
            s->conn = &conns[i];
            s->seed = (unsigned)(i * 7919 + j * 104729 + 1);
            issue(s);
        }
    }

    usleep((useconds_t)(warmup_s * 1e6));
    run_hook("start");
    double cpu0 = server_pid ? proc_cpu(server_pid) : -1, self0 = self_cpu();
    uint64_t ops0 = total_completed(), t0 = now_ns();
    __atomic_store_n(&phase, MEASURE, __ATOMIC_RELAXED);
    if (target_ops > 0) {
        while (total_completed() - ops0 < (uint64_t)target_ops) usleep(500);
    } else {
        usleep((useconds_t)(duration_s * 1e6));
    }
    __atomic_store_n(&phase, STOP, __ATOMIC_RELAXED);
    uint64_t ops = total_completed() - ops0, t1 = now_ns();
    double cpu1 = server_pid ? proc_cpu(server_pid) : -1, self1 = self_cpu();
    run_hook("end");

    /* Let what is in flight finish, bounded, then close. */
    uint64_t deadline = now_ns() + 10000000000ull;
    for (;;) {
        int left = 0;
        for (int i = 0; i < nconns; i++) left += __atomic_load_n(&conns[i].inflight, __ATOMIC_RELAXED);
        if (left == 0 || now_ns() > deadline) break;
        usleep(1000);
    }
    uint64_t errors = 0;
    for (int i = 0; i < nconns; i++) {
        zookeeper_close(conns[i].zh);
        errors += conns[i].errors;
    }

    uint64_t *hist = calloc(HIST_BUCKETS, sizeof(uint64_t));
    uint64_t recorded = 0;
    for (int i = 0; i < nconns; i++)
        for (int b = 0; b < HIST_BUCKETS; b++) {
            hist[b] += conns[i].hist[b];
            recorded += conns[i].hist[b];
        }
    double secs = (double)(t1 - t0) / 1e9;
    printf("mode=%s conns=%d inflight=%d secs=%.2f ops=%" PRIu64 " ops_per_sec=%.0f p50_us=%.0f p99_us=%.0f "
           "errors=%" PRIu64,
           mode_write ? "write" : "read", nconns, depth, secs, ops, (double)ops / secs,
           percentile(hist, recorded, 0.50), percentile(hist, recorded, 0.99), errors);
    if (server_pid && cpu0 >= 0 && cpu1 >= 0)
        printf(" server_cpu_s=%.2f server_cpu_ms_per_1000=%.1f", cpu1 - cpu0,
               ops ? (cpu1 - cpu0) * 1e6 / (double)ops : 0.0);
    printf(" client_cpu_s=%.2f\n", self1 - self0);
    return errors ? 1 : 0;
}
