/*
 * worker.c — see worker.h. One mutex-protected FIFO shared by the workers;
 * it is off the request path of every request that does not hash or sign.
 */
#include "worker.h"

#include "../core/core.h"

#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static dft_task_t *head, *tail;
static size_t queued, limit;
static int niceness;

static void *worker_main(void *arg)
{
    (void)arg;
    /* PRIO_PROCESS with a thread id changes only this thread (Linux). Best
     * effort: failing leaves the worker at the loops' priority. */
    id_t tid = (id_t)syscall(SYS_gettid);
    errno = 0;
    int now = getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && now < niceness)
        (void)setpriority(PRIO_PROCESS, tid, niceness);
    for (;;) {
        pthread_mutex_lock(&mutex);
        while (head == NULL)
            pthread_cond_wait(&cond, &mutex);
        dft_task_t *task = head;
        head = task->next;
        if (head == NULL)
            tail = NULL;
        --queued;
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

void dft_worker_start(size_t n, size_t queue_max, int nice)
{
    limit = queue_max;
    niceness = nice;
    for (size_t i = 0; i < n; ++i) {
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
