/*
 * worker.c — see worker.h. One mutex-protected FIFO shared by the workers;
 * it is off the request path of every request that does not hash or sign.
 * The scheduling class of each worker is changed by thread id (Linux applies
 * sched_setscheduler to the one thread); its CPU time is read through its
 * thread CPU clock, which other threads of the process may read.
 */
#include "worker.h"

#include "../core/core.h"

#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
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

/* Best effort: a failure leaves the thread in the class it had. */
static void set_class(pid_t tid, int idle)
{
    struct sched_param none = {0};
    (void)sched_setscheduler(tid, idle ? SCHED_IDLE : SCHED_OTHER, &none);
}

static uint64_t cpu_ms(clockid_t clock)
{
    struct timespec t;
    if (clock_gettime(clock, &t) != 0)
        return 0;
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void *worker_main(void *arg)
{
    (void)arg;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    clockid_t clock;
    (void)pthread_getcpuclockid(pthread_self(), &clock); /* glibc encodes the thread id: cannot fail */
    pthread_mutex_lock(&mutex);
    size_t me = num_tids++; /* dft_worker_start starts at most MAX_WORKERS */
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
        cpu_at[me] = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
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

void dft_worker_start(size_t n, size_t queue_max, uint64_t starve_ms)
{
    limit = queue_max;
    starve_after = starve_ms;
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
            starving = (cpu_ms(clocks[i]) - cpu_at[i]) * 4 < now - running[i];
    }
    int stale = head != NULL && now - head->queued_at >= starve_after;
    if (!starving && stale && (free_worker || lifted)) /* lifted, they stay so while the queue is that old */
        starving = 1;
    if (starving != lifted) {
        lifted = starving;
        for (size_t i = 0; i < num_tids; ++i)
            set_class(tids[i], !lifted);
    }
    pthread_mutex_unlock(&mutex);
}
