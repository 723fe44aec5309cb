/*
 * bench/probe.c — how fast the machine itself runs, through the benchmark.
 *
 *   probe OUTPUT
 *
 * Every 10 ms it times a fixed piece of arithmetic (about 0.1 ms) and appends
 * "epoch-microseconds<TAB>nanoseconds" to OUTPUT, one line each, until SIGTERM
 * or until its parent (drive.py) is gone, however that ended.
 * Under SCHED_FIFO (root) it runs as soon as it wakes and nothing preempts it,
 * so the time is the CPU's speed at that moment, not the load's queue; that
 * costs about 1% of one core. On this kind of virtual machine both cores slow
 * to a tenth or a third of their speed for 60-100 ms several times in 5 s, idle
 * or not; drive.py sets each workload beside what the probe saw meanwhile.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_NS 10000000L
#define WORK 50000 /* iterations: ~0.1 ms on this machine at full speed */

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

static int64_t ns(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: probe OUTPUT\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (out == NULL) {
        fprintf(stderr, "probe: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    setvbuf(out, NULL, _IOLBF, 0); /* drive.py reads it after each workload */
    struct sigaction sa = {.sa_handler = on_term};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() == 1) /* the parent may already be gone */
        return 1;
    struct sched_param sp = {.sched_priority = 1};
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
        fprintf(stderr, "probe: no SCHED_FIFO (%s): times include waiting for a core\n", strerror(errno));

    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    volatile uint32_t x = 1;
    while (!stop) {
        int64_t t0 = ns(CLOCK_MONOTONIC);
        for (int i = 0; i < WORK; i++)
            x = x * 1103515245u + 12345u;
        int64_t t1 = ns(CLOCK_MONOTONIC);
        fprintf(out, "%lld\t%lld\n", (long long)(ns(CLOCK_REALTIME) / 1000), (long long)(t1 - t0));
        next.tv_nsec += PERIOD_NS;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
            ;
    }
    return fclose(out) == 0 ? 0 : 1;
}
