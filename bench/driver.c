/*
 * bench/driver.c — the database's own limit on daftar's read-file: what
 * PostgreSQL does at best with exactly daftar's work, the baseline bench/run
 * compares daftar with.
 *
 *   driver CONNINFO SAMPLES QUERY CONNECTIONS DEPTH WARM_UP_S SECONDS
 *
 * Over CONNECTIONS libpq connections in pipeline mode, with DEPTH segments in
 * flight in all (spread evenly), it sends what lib/db/db.c sends for one
 * read-file: the setup statement (lib/db/segment.h, prepared once a
 * connection), the statement of file QUERY (sql/queries/file_get.sql,
 * {schema} replaced as lib/db/db.c does, prepared once a connection and
 * department) with the file's id, and a Sync. SAMPLES has one line a request,
 * "uid<TAB>department<TAB>file id", cycled through; the setup's other values
 * are a read-file's (read-write, since file_get audits confidential reads;
 * clearance, roles, otp and trusted as the officer's session gives them:
 * columns 4-7 when present). Every connection starts with lib/db/db.c's
 * session setting. After WARM_UP_S seconds it counts for SECONDS seconds and
 * prints one JSON object: segments a second, p50/p99 in ms (send to Sync),
 * errors, and the CPU seconds per 1,000 segments of its connections'
 * backends (/proc, same machine) and of itself.
 */
#include "../lib/db/segment.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define MAX_DEPTS 4096
#define MAX_LATENCIES 8000000

typedef struct sample_t {
    char uid[24], dept[16], role[24], file[40], clearance[4], roles[128], otp[2], trusted[2];
} sample_t;

typedef struct conn_t {
    PGconn *pg;
    int backend_pid, inflight, sync_seen_setup;
    uint64_t sent_at[1024]; /* ring: send time of each segment in flight, in order */
    unsigned head, tail;
    char prepared[MAX_DEPTS]; /* by department index */
} conn_t;

static sample_t *samples;
static size_t num_samples, next_sample;
static char *depts[MAX_DEPTS];
static size_t num_depts;
static char *query;
static uint32_t *latencies;
static size_t num_latencies;
static long errors, done_segments;
static int counting;

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "driver: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        die("cannot open", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s == NULL || fread(s, 1, (size_t)n, f) != (size_t)n)
        die("cannot read", path);
    s[n] = '\0';
    fclose(f);
    return s;
}

static size_t dept_index(const char *code)
{
    for (size_t i = 0; i < num_depts; ++i)
        if (strcmp(depts[i], code) == 0)
            return i;
    if (num_depts == MAX_DEPTS)
        die("too many departments", NULL);
    depts[num_depts] = strdup(code);
    return num_depts++;
}

/* One field of a tab-separated line into out (truncated to size); returns the rest or NULL. */
static char *field(char *p, char *out, size_t size, const char *dflt)
{
    if (p == NULL) {
        snprintf(out, size, "%s", dflt);
        return NULL;
    }
    size_t n = strcspn(p, "\t\n");
    snprintf(out, size, "%.*s", (int)n, p);
    return p[n] == '\t' ? p + n + 1 : NULL;
}

static void load_samples(const char *path)
{
    char *text = slurp(path), *line = text;
    size_t cap = 1024;
    samples = malloc(cap * sizeof(*samples));
    while (line != NULL && *line != '\0') {
        char *end = strchr(line, '\n');
        if (num_samples == cap)
            samples = realloc(samples, (cap *= 2) * sizeof(*samples));
        sample_t *s = &samples[num_samples++];
        char *p = field(line, s->uid, sizeof(s->uid), "");
        p = field(p, s->dept, sizeof(s->dept), "");
        p = field(p, s->file, sizeof(s->file), "");
        p = field(p, s->clearance, sizeof(s->clearance), "1");
        p = field(p, s->roles, sizeof(s->roles), ",officer,");
        p = field(p, s->otp, sizeof(s->otp), "f");
        field(p, s->trusted, sizeof(s->trusted), "f");
        snprintf(s->role, sizeof(s->role), "dept_%s", s->dept);
        line = end ? end + 1 : NULL;
    }
    if (num_samples == 0)
        die("no samples in", path);
    free(text);
}

/* The query with every {schema} replaced by the quoted schema name, as lib/db/db.c's instantiate. */
static char *instantiate(const char *dept)
{
    size_t cap = strlen(query) * 2 + 64, n = 0;
    char *out = malloc(cap);
    for (const char *p = query; *p != '\0';) {
        if (strncmp(p, "{schema}", 8) == 0) {
            n += (size_t)snprintf(out + n, cap - n, "\"dept_%s\"", dept);
            p += 8;
        } else {
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
    return out;
}

static double backend_cpu(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return 0;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void send_segment(conn_t *c)
{
    sample_t *s = &samples[next_sample++ % num_samples];
    size_t d = dept_index(s->dept);
    char name[32];
    snprintf(name, sizeof(name), "q_%zu", d);
    const char *setup[DFT_DB_SETUP_PARAMS] = {s->role, "off", s->uid, "0123456789abcdef0123", "127.0.0.1",
                                              s->clearance, s->roles, s->otp, s->trusted, s->dept};
    const char *params[1] = {s->file};
    if (!PQsendQueryPrepared(c->pg, DFT_DB_SETUP_NAME, DFT_DB_SETUP_PARAMS, setup, NULL, NULL, 0))
        die("send", PQerrorMessage(c->pg));
    if (!c->prepared[d]) { /* as lib/db/db.c: after the setup, in the department's role */
        char *text = instantiate(s->dept);
        if (!PQsendPrepare(c->pg, name, text, 0, NULL))
            die("prepare", PQerrorMessage(c->pg));
        free(text);
    }
    if (!PQsendQueryPrepared(c->pg, name, 1, params, NULL, NULL, 0) || !PQpipelineSync(c->pg))
        die("send", PQerrorMessage(c->pg));
    c->prepared[d] = 1;
    c->sent_at[c->head++ % 1024] = now_us();
    ++c->inflight;
}

/* Reads every result that has arrived; a Sync ends a segment. */
static void receive(conn_t *c)
{
    if (!PQconsumeInput(c->pg))
        die("read", PQerrorMessage(c->pg));
    while (!PQisBusy(c->pg)) {
        PGresult *res = PQgetResult(c->pg);
        if (res == NULL) { /* the end of one statement's results */
            if (!PQisBusy(c->pg) && c->inflight == 0)
                break;
            continue;
        }
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_PIPELINE_SYNC) {
            uint64_t took = now_us() - c->sent_at[c->tail++ % 1024];
            --c->inflight;
            if (counting) {
                ++done_segments;
                if (num_latencies < MAX_LATENCIES)
                    latencies[num_latencies++] = (uint32_t)took;
            }
        } else if (st == PGRES_FATAL_ERROR || st == PGRES_PIPELINE_ABORTED) {
            static int shown;
            if (counting)
                ++errors;
            if (st == PGRES_FATAL_ERROR && shown++ < 3)
                fprintf(stderr, "driver: %s", PQresultErrorMessage(res));
        } else if (st == PGRES_TUPLES_OK && PQnfields(res) == 3 && PQntuples(res) != 1) {
            if (counting)
                ++errors; /* file_get found no file: the samples are wrong */
        }
        PQclear(res);
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: driver CONNINFO SAMPLES QUERY CONNECTIONS DEPTH WARM_UP_S SECONDS\n");
        return 2;
    }
    load_samples(argv[2]);
    query = slurp(argv[3]);
    int nconn = (int)strtol(argv[4], NULL, 10), depth = (int)strtol(argv[5], NULL, 10);
    double warm = strtod(argv[6], NULL), seconds = strtod(argv[7], NULL);
    if (nconn < 1 || nconn > MAX_CONNS || depth < nconn || depth > nconn * 1000 || seconds <= 0)
        die("bad connections, depth or seconds", NULL);
    latencies = malloc(MAX_LATENCIES * sizeof(*latencies));
    conn_t *conns = calloc((size_t)nconn, sizeof(*conns));
    struct pollfd pfd[MAX_CONNS];
    for (int i = 0; i < nconn; ++i) {
        conn_t *c = &conns[i];
        c->pg = PQconnectdb(argv[1]);
        if (PQstatus(c->pg) != CONNECTION_OK)
            die("connect", PQerrorMessage(c->pg));
        PGresult *r = PQexec(c->pg, DFT_DB_SESSION_SQL);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            die("session", PQerrorMessage(c->pg));
        PQclear(r);
        r = PQprepare(c->pg, DFT_DB_SETUP_NAME, DFT_DB_SETUP_SQL, DFT_DB_SETUP_PARAMS, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die("prepare setup", PQerrorMessage(c->pg));
        PQclear(r);
        if (!PQenterPipelineMode(c->pg) || PQsetnonblocking(c->pg, 1) != 0)
            die("pipeline mode", PQerrorMessage(c->pg));
        c->backend_pid = PQbackendPID(c->pg);
        pfd[i].fd = PQsocket(c->pg);
    }
    int per = depth / nconn;
    uint64_t start = now_us(), count_from = start + (uint64_t)(warm * 1e6),
             until = count_from + (uint64_t)(seconds * 1e6);
    double pg0 = 0, self0 = 0;
    for (;;) {
        uint64_t t = now_us();
        if (!counting && t >= count_from) {
            counting = 1;
            for (int i = 0; i < nconn; ++i)
                pg0 += backend_cpu(conns[i].backend_pid);
            self0 = self_cpu();
            count_from = t;
        }
        if (t >= until)
            break;
        for (int i = 0; i < nconn; ++i) {
            conn_t *c = &conns[i];
            int extra = i < depth % nconn;
            while (c->inflight < per + extra)
                send_segment(c);
            int fl = PQflush(c->pg);
            if (fl < 0)
                die("flush", PQerrorMessage(c->pg));
            pfd[i].events = POLLIN | (fl == 1 ? POLLOUT : 0);
        }
        if (poll(pfd, (nfds_t)nconn, 100) < 0)
            die("poll", NULL);
        for (int i = 0; i < nconn; ++i)
            if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
                receive(&conns[i]);
    }
    double wall = (double)(now_us() - count_from) / 1e6, pg1 = 0;
    for (int i = 0; i < nconn; ++i)
        pg1 += backend_cpu(conns[i].backend_pid);
    double self = self_cpu() - self0;
    qsort(latencies, num_latencies, sizeof(*latencies), cmp_u32);
    double p50 = num_latencies ? latencies[num_latencies / 2] / 1000.0 : 0;
    double p99 = num_latencies ? latencies[(size_t)(num_latencies * 0.99)] / 1000.0 : 0;
    long per_k = done_segments > 0 ? done_segments : 1;
    printf("{\"segments\":%ld,\"per_s\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"errors\":%ld,\"connections\":%d,"
           "\"depth\":%d,\"pg_cpu_s_per_1000\":%.4f,\"driver_cpu_s_per_1000\":%.4f,\"departments\":%zu}\n",
           done_segments, done_segments / wall, p50, p99, errors, nconn, depth, (pg1 - pg0) * 1000 / per_k,
           self * 1000 / per_k, num_depts);
    for (int i = 0; i < nconn; ++i)
        PQfinish(conns[i].pg);
    return 0;
}
