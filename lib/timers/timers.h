/*
 * timers.h — the deadlines engine's server side: a background thread that
 * fires the departments' due timers (sql/dept/0015_timers.sql and
 * functions/timers_fire.sql hold the rules; a family adds a kind with a
 * function timer_<kind>).
 */
#ifndef DFT_TIMERS_H
#define DFT_TIMERS_H

#include "../core/core.h"
#include "../http/server.h"

/* Starts the timers thread when the setting `timers` is on; 0, or -1 (logged). */
int dft_timers_start(dft_server_t *server);
/* Appends the timers' metrics (Prometheus text) to out; any thread. */
void dft_timers_render_metrics(dft_buf_t *out);

#endif
