/*
 * worker.h — a small pool of threads for work that must not run on an event
 * loop (scrypt, signing). A task is submitted from a loop thread; `run`
 * executes on a worker; `done` runs back on the submitting loop thread,
 * delivered through h2o's multithread queue.
 *
 * Workers run under SCHED_IDLE: a loop thread or a PostgreSQL backend that
 * wakes up takes their core at once, so a stream of logins does not raise
 * the latency of reads (niceness does not do that on Linux's EEVDF
 * scheduler: bench/README.md). Idle-class threads can starve when the cores
 * are saturated, so once a task has run worker_starve_ms while its worker got
 * less than a quarter of that time on a core (or has waited that long for a
 * worker that got no core to take it), dft_worker_watch lifts the workers to
 * the normal class until no task is starved: under overload logins slow
 * down, they do not stop. A queue behind workers that run does not lift them.
 *
 * The queue is bounded: dft_worker_submit fails when it is full, so a login
 * flood turns into 503s instead of unbounded memory.
 *
 * A task's heavy part (scrypt) runs in the worker's helper process, through
 * dft_worker_call: the idle class alone does not yield the cores while the
 * kernel groups tasks by session (autogroup), since daftar's group would run
 * its hashing thread at a whole group's weight against PostgreSQL's group
 * whenever its loops wait (bench/README.md, issue 25 part 3). Each helper is
 * this executable again (`daftar worker-helper`) in a session of its own, at
 * autogroup nice 19 and in the idle class, lifted with the workers (nice 0,
 * normal class); its CPU time counts as its worker's. One helper a worker,
 * started at the worker's first call and again after one ends.
 */
#ifndef DFT_WORKER_H
#define DFT_WORKER_H

#include "server.h"

#include <sys/types.h>

typedef struct dft_task_t dft_task_t;
struct dft_task_t {
    h2o_multithread_message_t super; /* first: the message that carries it home */
    dft_task_t *next;
    dft_thread_t *thread;
    uint64_t queued_at;             /* ms, monotonic; set by dft_worker_submit */
    void (*run)(dft_task_t *task);  /* on a worker thread: touch nothing of the loop */
    void (*done)(dft_task_t *task); /* on the submitting loop thread */
};

/* Starts n worker threads (once, before serving); starve_ms 0 keeps them in
 * the normal scheduling class; helpers 0 runs dft_worker_call's work on the
 * worker threads themselves (hash_process = 0). */
void dft_worker_start(size_t n, size_t queue_max, uint64_t starve_ms, int helpers);
/* On a worker thread: sends req to the worker's helper and waits for its
 * answer into resp; its length, -1 when the helper is gone (it is started
 * again at the next call), -2 when not on a worker thread or without helpers
 * (do the work here). */
ssize_t dft_worker_call(const void *req, size_t len, void *resp, size_t cap);
/* The helper's side (`daftar worker-helper PID`, PID the server's): answers
 * each request on fd 3 with handle's answer (> 0 bytes) until the server
 * closes it; the exit code. */
int dft_worker_helper_serve(const char *parent, ssize_t (*handle)(const void *req, size_t len, void *resp, size_t cap));
/* Registers the thread's receiver; call on the loop thread at start. */
void dft_worker_attach_thread(dft_thread_t *t);
/* 0, or -1 when the queue is full (the task is not taken). */
int dft_worker_submit(dft_thread_t *t, dft_task_t *task);
/* Lifts the workers out of the idle class while a task is starved, and puts
 * them back after; called a few times a second by the main thread. */
void dft_worker_watch(void);

#endif
