/*
 * worker.c — see worker.h. One mutex-protected FIFO shared by the workers;
 * it is off the request path of every request that does not hash or sign.
 * The scheduling class of each worker is changed by thread id (Linux applies
 * sched_setscheduler to the one thread); its CPU time is read through its
 * thread CPU clock, which other threads of the process may read.
 */
#include "worker.h"

#include "../core/core.h"
#include "../core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static dft_task_t *head, *tail;
static size_t queued, limit;
static uint64_t starve_after; /* ms; 0 = workers stay in the normal class */
static pid_t tids[MAX_WORKERS];
static clockid_t clocks[MAX_WORKERS]; /* each worker's CPU time */
static uint64_t running[MAX_WORKERS]; /* when worker i took its task (ms, monotonic); 0 = none */
static uint64_t cpu_at[MAX_WORKERS];  /* worker i's CPU time then (ms) */
static size_t num_tids;
static int lifted; /* the workers are in the normal class because a task starved */
static int use_helpers;                 /* dft_worker_call runs a task's heavy part in the worker's helper process */
static pid_t helper_pids[MAX_WORKERS];  /* worker i's helper (0 = none running) */
static clockid_t helper_clocks[MAX_WORKERS];
static int helper_fds[MAX_WORKERS] = {[0 ... MAX_WORKERS - 1] = -1};
static _Thread_local int my_index = -1; /* this thread's worker index; -1 on any other thread */

/* Best effort: a failure leaves the thread in the class it had. */
static void set_class(pid_t tid, int idle)
{
    struct sched_param none = {0};
    (void)sched_setscheduler(tid, idle ? SCHED_IDLE : SCHED_OTHER, &none);
}

/* A helper process is its own session, so its own autogroup: the kernel shares the cores between autogroups
 * first and only then among a group's threads by class, so an idle-class thread alone in its group runs at a
 * whole group's weight against PostgreSQL's (bench/README.md, issue 25 part 3). Nice 19 for the group (weight
 * 15 against 1,024) with the idle class inside is what yields the cores; lifted, nice 0. The kernel refuses
 * a second change within 100 ms (EAGAIN, unprivileged): retried at the next watch. Best effort: without
 * autogroups (CONFIG_SCHED_AUTOGROUP off, or the process in a cpu cgroup of its own) there is no file. */
static int set_helper_class(pid_t pid, int idle)
{
    set_class(pid, idle);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/autogroup", (int)pid);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    const char *nice = idle ? "19" : "0";
    int ok = write(fd, nice, strlen(nice)) >= 0 || errno != EAGAIN;
    close(fd);
    return ok ? 0 : -1;
}

static void set_classes(int idle)
{
    int again = 0;
    for (size_t i = 0; i < num_tids; ++i) {
        set_class(tids[i], idle);
        if (helper_pids[i] > 0)
            again |= set_helper_class(helper_pids[i], idle) != 0;
    }
    if (again) /* the watch sees lifted != starving and sets them all again */
        lifted = !lifted;
}

static uint64_t cpu_ms(clockid_t clock)
{
    struct timespec t;
    if (clock_gettime(clock, &t) != 0)
        return 0;
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Worker i's CPU time: its thread's and its current helper's (under the mutex). */
static uint64_t worker_cpu_ms(size_t i)
{
    return cpu_ms(clocks[i]) + (helper_pids[i] > 0 ? cpu_ms(helper_clocks[i]) : 0);
}

/* ------------------------------------------------------------- helpers */

/* Starts worker me's helper: this executable again (`daftar worker-helper`, dft_worker_helper_serve) in a
 * session of its own, its end of a socketpair as fd 3 and no other descriptor. On the worker's thread. */
static int helper_start(size_t me)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 3); /* clears close-on-exec; sv[1] is never 3 (0-2 are open) */
    posix_spawn_file_actions_addclosefrom_np(&fa, 4);
    posix_spawnattr_init(&at);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&at, &none); /* the server blocks SIGTERM/SIGINT in its threads */
    sigset_t dfl;
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char parent[24];
    snprintf(parent, sizeof(parent), "%d", (int)getpid());
    char *argv[] = {"daftar", "worker-helper", parent, NULL}, *envp[] = {NULL};
    pid_t pid;
    int err = posix_spawn(&pid, "/proc/self/exe", &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(sv[1]);
    if (err != 0) {
        close(sv[0]);
        dft_log(DFT_LOG_ERROR, "worker", "cannot start a worker helper process: %s", strerror(err));
        return -1;
    }
    clockid_t clock;
    if (clock_getcpuclockid(pid, &clock) != 0)
        clock = CLOCK_THREAD_CPUTIME_ID; /* cannot happen for a child; counts nothing of the helper then */
    pthread_mutex_lock(&mutex);
    helper_pids[me] = pid;
    helper_clocks[me] = clock;
    helper_fds[me] = sv[0];
    if (starve_after > 0)
        (void)set_helper_class(pid, !lifted);
    pthread_mutex_unlock(&mutex);
    return 0;
}

/* Worker me's helper is gone or unusable: killed, reaped, started again at the next call. */
static void helper_stop(size_t me)
{
    pthread_mutex_lock(&mutex);
    pid_t pid = helper_pids[me];
    int fd = helper_fds[me];
    helper_pids[me] = 0;
    helper_fds[me] = -1;
    pthread_mutex_unlock(&mutex);
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        dft_log(DFT_LOG_WARN, "worker", "worker helper process %d ended; a new one starts with the next task", (int)pid);
    }
    if (fd >= 0)
        close(fd);
}

ssize_t dft_worker_call(const void *req, size_t len, void *resp, size_t cap)
{
    if (my_index < 0 || !use_helpers)
        return -2;
    size_t me = (size_t)my_index;
    ssize_t n = -1;
    for (int tries = 0; tries < 2 && n < 0; ++tries) { /* a helper that ended while idle: a new one at once */
        if (helper_fds[me] < 0 && helper_start(me) != 0)
            return -1;
        while ((n = send(helper_fds[me], req, len, MSG_NOSIGNAL)) < 0 && errno == EINTR)
            ;
        if (n < 0)
            helper_stop(me);
    }
    int fd = helper_fds[me];
    if (n == (ssize_t)len) {
        while ((n = recv(fd, resp, cap, 0)) < 0 && errno == EINTR)
            ;
    } else {
        n = -1;
    }
    if (n <= 0) {
        helper_stop(me);
        return -1;
    }
    return n;
}

int dft_worker_helper_serve(const char *parent, ssize_t (*handle)(const void *req, size_t len, void *resp, size_t cap))
{
    static unsigned char req[8192], resp[8192];
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL); /* the worker thread that started it never ends before the server */
    (void)prctl(PR_SET_DUMPABLE, 0);        /* passwords pass through: no core, no ptrace by the same user */
    if (parent == NULL || getppid() != (pid_t)atoi(parent)) /* the server ended before the line above */
        return 1;
    for (;;) {
        ssize_t n = recv(3, req, sizeof(req), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0 ? 0 : 1;
        ssize_t m = handle(req, (size_t)n, resp, sizeof(resp));
        memset(req, 0, (size_t)n);
        if (m <= 0 || send(3, resp, (size_t)m, MSG_NOSIGNAL) != m)
            return 1;
        memset(resp, 0, (size_t)m);
    }
}

static void *worker_main(void *arg)
{
    (void)arg;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    clockid_t clock;
    (void)pthread_getcpuclockid(pthread_self(), &clock); /* glibc encodes the thread id: cannot fail */
    pthread_mutex_lock(&mutex);
    size_t me = num_tids++; /* dft_worker_start starts at most MAX_WORKERS */
    my_index = (int)me;
    tids[me] = tid;
    clocks[me] = clock;
    set_class(tid, starve_after > 0 && !lifted);
    pthread_mutex_unlock(&mutex);
    for (;;) {
        pthread_mutex_lock(&mutex);
        running[me] = 0;
        while (head == NULL)
            pthread_cond_wait(&cond, &mutex);
        dft_task_t *task = head;
        head = task->next;
        if (head == NULL)
            tail = NULL;
        --queued;
        running[me] = dft_now_ms();
        cpu_at[me] = worker_cpu_ms(me);
        pthread_mutex_unlock(&mutex);
        task->run(task);
        h2o_multithread_send_message(task->thread->worker_done, &task->super);
    }
    return NULL;
}

static void on_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        dft_task_t *task = H2O_STRUCT_FROM_MEMBER(dft_task_t, super.link, messages->next);
        h2o_linklist_unlink(&task->super.link);
        task->done(task);
    }
}

void dft_worker_start(size_t n, size_t queue_max, uint64_t starve_ms, int helpers)
{
    limit = queue_max;
    starve_after = starve_ms;
    use_helpers = helpers;
    for (size_t i = 0; i < n && i < MAX_WORKERS; ++i) {
        pthread_t tid;
        h2o_multithread_create_thread(&tid, NULL, worker_main, NULL);
        pthread_detach(tid);
    }
}

void dft_worker_attach_thread(dft_thread_t *t)
{
    t->worker_done = dft_calloc(1, sizeof(h2o_multithread_receiver_t));
    h2o_multithread_register_receiver(t->ctx.queue, t->worker_done, on_done);
}

int dft_worker_submit(dft_thread_t *t, dft_task_t *task)
{
    task->thread = t;
    task->next = NULL;
    task->queued_at = dft_now_ms();
    pthread_mutex_lock(&mutex);
    if (queued >= limit) {
        pthread_mutex_unlock(&mutex);
        return -1;
    }
    if (tail != NULL)
        tail->next = task;
    else
        head = task;
    tail = task;
    ++queued;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&mutex);
    return 0;
}

void dft_worker_watch(void)
{
    if (starve_after == 0)
        return;
    uint64_t now = dft_now_ms();
    pthread_mutex_lock(&mutex);
    /* Starving: a task has waited starve_after in the queue while a worker had none to run (that idle-class
     * thread got no core to take it), or a task has run starve_after while its worker got less than a
     * quarter of that time on a core. A queue behind workers that do get the cores is not starvation:
     * lifting them would only take the cores from the loops and PostgreSQL (bench/: with paced reads and a
     * login stream the old rule, a task submitted starve_after ago, had them lifted 10% and 36% of the time
     * by the second login's wait alone; this one 0%). */
    int starving = 0, free_worker = 0;
    for (size_t i = 0; i < num_tids && !starving; ++i) {
        if (running[i] == 0)
            free_worker = 1;
        else if (now - running[i] >= starve_after)
            starving = (worker_cpu_ms(i) - cpu_at[i]) * 4 < now - running[i]; /* a new helper: < 0, wraps: no */
    }
    int stale = head != NULL && now - head->queued_at >= starve_after;
    if (!starving && stale && (free_worker || lifted)) /* lifted, they stay so while the queue is that old */
        starving = 1;
    if (starving != lifted) {
        lifted = starving;
        set_classes(!lifted);
    }
    pthread_mutex_unlock(&mutex);
}
