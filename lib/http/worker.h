/*
 * worker.h — a small pool of threads for work that must not run on an event
 * loop (scrypt, signing). A task is submitted from a loop thread; `run`
 * executes on a worker; `done` runs back on the submitting loop thread,
 * delivered through h2o's multithread queue.
 *
 * Workers run at a lower priority (worker_nice) than the event loops: a
 * stream of logins must not raise the latency of reads.
 *
 * The queue is bounded: dft_worker_submit fails when it is full, so a login
 * flood turns into 503s instead of unbounded memory.
 */
#ifndef DFT_WORKER_H
#define DFT_WORKER_H

#include "server.h"

typedef struct dft_task_t dft_task_t;
struct dft_task_t {
    h2o_multithread_message_t super; /* first: the message that carries it home */
    dft_task_t *next;
    dft_thread_t *thread;
    void (*run)(dft_task_t *task);  /* on a worker thread: touch nothing of the loop */
    void (*done)(dft_task_t *task); /* on the submitting loop thread */
};

/* Starts n worker threads (once, before serving) at niceness nice: on Linux
 * niceness is per thread, so the event loops keep theirs and win the cores
 * when both want them; idle cores still go to the workers. */
void dft_worker_start(size_t n, size_t queue_max, int nice);
/* Registers the thread's receiver; call on the loop thread at start. */
void dft_worker_attach_thread(dft_thread_t *t);
/* 0, or -1 when the queue is full (the task is not taken). */
int dft_worker_submit(dft_thread_t *t, dft_task_t *task);

#endif
