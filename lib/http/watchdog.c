/*
 * watchdog.c — closes connections that hold the server without moving data.
 *
 * libh2o 2.2.5 times out TLS handshakes (header_timeout_ms), HTTP/1.1
 * requests (header_timeout_ms for headers and body together) and HTTP/2
 * connections with nothing to do (idle_timeout_ms), but not:
 *   - a peer that stops reading a response: an HTTP/1.1 socket buffer that
 *     stays full, or an HTTP/2 flow-control window left at zero, keeps the
 *     response in memory for as long as the peer likes;
 *   - an HTTP/2 request body sent a byte at a time: every frame re-arms the
 *     idle timer, so a stream can stay half-received for ever.
 * So once a second each thread looks at its own connections. One that moved
 * no byte either way for idle_timeout_ms, or an HTTP/2 connection that has
 * been awaiting request bodies for longer than header_timeout_ms and read
 * less than min_body_rate bytes a second meanwhile, gets shutdown(2) on its
 * socket; h2o then sees the socket fail and
 * closes the connection on its own path, which frees everything as it does
 * for a client that went away. Nothing here frees or writes h2o state.
 *
 * Waiting for the database is not progress either, so idle_timeout_ms must
 * exceed the longest wait for a connection plus the statement timeout
 * (dft_server_new checks it).
 *
 * Deliberately not covered: an HTTP/2 connection that only trickles PINGs
 * holds one socket and no request; limiting connections per address is the
 * front proxy's job.
 */
#include "server.h"

#include "../core/core.h"
#include "../core/log.h"

#include <h2o/http2.h>
#include <h2o/http2_internal.h> /* h2o_http2_conn_t; its khash.h is our stand-in, lib/http/compat */
#include <linux/tcp.h> /* struct tcp_info with byte counts; glibc's netinet/tcp.h has an older one */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#define SWEEP_INTERVAL_MS 1000

typedef struct tracked_t {
    h2o_linklist_t link; /* in dft_thread_t::conns */
    dft_thread_t *thread;
    h2o_socket_t *sock;
    uint64_t received, acked; /* the kernel's counts (TCP_INFO): bytes in, and bytes out the peer took */
    uint64_t progress_at;     /* loop time (ms) of the last byte seen moving */
    uint64_t receiving_since; /* HTTP/2: since when some request body has been awaited; 0 = none is */
    uint64_t received_at_start;
} tracked_t;

/* h2o_socket_t::bytes_read is not kept up to date for plain sockets in 2.2.5, and bytes
 * written into a socket buffer say nothing of whether the peer reads them: ask the kernel. */
static int tcp_counts(h2o_socket_t *sock, uint64_t *received, uint64_t *acked)
{
    struct tcp_info info;
    socklen_t len = sizeof(info);
    memset(&info, 0, sizeof(info));
    if (getsockopt(h2o_socket_get_fd(sock), IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(info.tcpi_bytes_received))
        return -1;
    *received = info.tcpi_bytes_received;
    *acked = info.tcpi_bytes_acked;
    return 0;
}

static void on_sock_close(void *data)
{
    tracked_t *c = data;
    h2o_linklist_unlink(&c->link);
    __atomic_sub_fetch(&c->thread->num_conns, 1, __ATOMIC_RELAXED); /* read by /metrics on any thread */
    free(c);
}

void dft_watchdog_track(dft_thread_t *t, h2o_socket_t *sock)
{
    assert(sock->on_close.cb == NULL); /* h2o leaves this hook to the owner of an accepted socket */
    tracked_t *c = dft_calloc(1, sizeof(*c));
    c->thread = t;
    c->sock = sock;
    c->progress_at = h2o_now(t->ctx.loop);
    h2o_linklist_insert(&t->conns, &c->link);
    __atomic_add_fetch(&t->num_conns, 1, __ATOMIC_RELAXED);
    sock->on_close.cb = on_sock_close;
    sock->on_close.data = c;
}

static void cut(h2o_socket_t *sock, const char *why)
{
    dft_log(DFT_LOG_INFO, "watchdog", "closing a connection: %s", why);
    shutdown(h2o_socket_get_fd(sock), SHUT_RDWR);
}

/* Streams of an HTTP/2 connection whose headers arrived and whose body has not yet. */
static uint32_t streams_receiving(const h2o_http2_conn_t *conn)
{
    return conn->num_streams.pull.open - conn->num_streams.pull.half_closed;
}

static void on_sweep(h2o_timeout_entry_t *entry)
{
    dft_thread_t *t = H2O_STRUCT_FROM_MEMBER(dft_thread_t, sweep_entry, entry);
    const dft_config_t *c = t->server->config;
    uint64_t now = h2o_now(t->ctx.loop);

    for (h2o_linklist_t *l = t->conns.next; l != &t->conns; l = l->next) {
        tracked_t *tc = H2O_STRUCT_FROM_MEMBER(tracked_t, link, l);
        uint64_t received = tc->received, acked = tc->acked; /* kept when the kernel cannot say */
        if (tcp_counts(tc->sock, &received, &acked) != 0 || received != tc->received || acked != tc->acked) {
            tc->received = received;
            tc->acked = acked;
            tc->progress_at = now;
        } else if (now - tc->progress_at > (uint64_t)c->idle_timeout_ms) {
            tc->progress_at = now; /* once: the close follows on h2o's own path */
            cut(tc->sock, "no data moved within idle_timeout_ms");
        }
    }
    for (h2o_linklist_t *l = t->ctx.http2._conns.next; c->min_body_rate > 0 && l != &t->ctx.http2._conns; l = l->next) {
        h2o_http2_conn_t *conn = H2O_STRUCT_FROM_MEMBER(h2o_http2_conn_t, _conns, l);
        tracked_t *tc = conn->sock->on_close.cb == on_sock_close ? conn->sock->on_close.data : NULL;
        if (tc == NULL || conn->state == H2O_HTTP2_CONN_STATE_IS_CLOSING)
            continue;
        if (streams_receiving(conn) == 0) {
            tc->receiving_since = 0;
            continue;
        }
        if (tc->receiving_since == 0) {
            tc->receiving_since = now;
            tc->received_at_start = tc->received; /* as of the loop above */
            continue;
        }
        uint64_t ms = now - tc->receiving_since;
        if (ms > (uint64_t)c->header_timeout_ms && tc->received - tc->received_at_start < (uint64_t)c->min_body_rate * ms / 1000) {
            tc->receiving_since = 0;
            cut(conn->sock, "HTTP/2 request bodies arrive slower than min_body_rate");
        }
    }
    if (!t->done)
        h2o_timeout_link(t->ctx.loop, &t->sweep_timer, &t->sweep_entry);
}

void dft_watchdog_start(dft_thread_t *t)
{
    h2o_linklist_init_anchor(&t->conns);
    h2o_timeout_init(t->ctx.loop, &t->sweep_timer, SWEEP_INTERVAL_MS);
    t->sweep_entry.cb = on_sweep;
    h2o_timeout_link(t->ctx.loop, &t->sweep_timer, &t->sweep_entry);
}
