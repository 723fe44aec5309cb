/*
 * server.c — process-level HTTP server: h2o configuration, listening
 * sockets, TLS, event-loop threads, signals and graceful drain.
 *
 * Start-up does everything that can fail (binding, loading certificates)
 * before any thread runs, so a bad config exits non-zero at once. Each thread
 * gets its own SO_REUSEPORT listener per port, its own h2o context and loop.
 * /metrics has a listener of its own (metrics_listen), on thread 0 alone,
 * with its own h2o host and router: the API listeners' connections see only
 * the API host, whatever Host or :authority they send, so /metrics is never
 * served there.
 *
 * Shutdown: the main thread waits for SIGTERM/SIGINT with sigwait. The first
 * signal posts a message to every thread; a thread then closes its listeners,
 * asks h2o to wind down connections (GOAWAY on HTTP/2), and leaves its loop
 * once no request of its own is in flight or shutdown_timeout_ms has passed.
 * A second signal exits at once.
 */
#include "server.h"

#include "../core/core.h"
#include "../core/cidr.h"
#include "../core/log.h"
#include "ops.h"
#include "schema.h"
#include "worker.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* request.c */
void dft_http_install_handler(h2o_pathconf_t *pathconf, dft_server_t *server, dft_router_t *router, int metrics);
void dft_http_install_error_filter(h2o_pathconf_t *pathconf, dft_server_t *server);

/* ---------------------------------------------------------------- sockets */

/* Whether a socket listens on the address already. Our listeners share
 * their port through SO_REUSEPORT (one per thread), and so could a second
 * daftar of the same user, silently taking part of the connections (seen in
 * the benchmark: stray servers halved a measurement); a socket without
 * SO_REUSEPORT cannot bind a port that one listens on. */
static int address_in_use(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0)
        return 0;
    int taken = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0 &&
                bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno == EADDRINUSE;
    close(fd);
    return taken;
}

/* first: the first of the threads' listeners on this address, which checks that no one else listens there. */
static int open_listener(const char *hostport, int first, char *why, size_t whylen)
{
    char host[256];
    uint16_t port;
    if (dft_config_split_hostport(hostport, host, sizeof(host), &port) != 0) {
        snprintf(why, whylen, "'%s' is not host:port", hostport);
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_PASSIVE};
    struct addrinfo *res;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%u", port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0) {
        snprintf(why, whylen, "'%.64s' is not a numeric address", host);
        return -1;
    }
    if (first && port != 0 && address_in_use(res)) {
        snprintf(why, whylen, "cannot listen on %s: another process listens there (a daftar already running?)",
                 hostport);
        freeaddrinfo(res);
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
        listen(fd, 1024) != 0) {
        snprintf(why, whylen, "cannot listen on %s: %s", hostport, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    if (err != NULL)
        return;
    h2o_accept_ctx_t *actx = listener->data;
    dft_thread_t *t = H2O_STRUCT_FROM_MEMBER(dft_thread_t, ctx, actx->ctx);
    for (int i = 0; i < 16; ++i) { /* accept a batch, not everything: stay fair to established connections */
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        if (sock == NULL)
            return;
        dft_watchdog_track(t, sock);
        h2o_accept(actx, sock);
    }
}

static h2o_socket_t *start_listener(dft_thread_t *t, int fd, h2o_accept_ctx_t *actx)
{
    h2o_socket_t *sock = h2o_evloop_socket_create(t->ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
    sock->data = actx;
    h2o_socket_read_start(sock, on_accept);
    return sock;
}

/* -------------------------------------------------------------------- TLS */

static SSL_CTX *make_ssl_ctx(const dft_config_t *c)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                 SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    /* TLS 1.2: forward secrecy and AEAD only. TLS 1.3 suites are all modern. */
    if (SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                     "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                                     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256") != 1 ||
        SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, c->tls_key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    h2o_ssl_register_alpn_protocols(ctx, h2o_http2_alpn_protocols);
    return ctx;
}

/* ---------------------------------------------------------------- threads */

typedef struct control_msg_t {
    h2o_multithread_message_t super;
} control_msg_t;

static void finish_thread(dft_thread_t *t)
{
    if (t->done)
        return;
    t->done = 1;
    if (t->server->hooks.on_drained != NULL)
        t->server->hooks.on_drained(t);
}

static void on_drain_tick(h2o_timeout_entry_t *entry)
{
    dft_thread_t *t = H2O_STRUCT_FROM_MEMBER(dft_thread_t, drain_entry, entry);
    if (t->inflight == 0 || h2o_now(t->ctx.loop) >= t->drain_deadline) {
        if (t->inflight != 0)
            dft_log(DFT_LOG_WARN, "shutdown", "thread %zu: %zu requests still in flight at the deadline", t->index,
                    t->inflight);
        finish_thread(t);
        return;
    }
    h2o_timeout_link(t->ctx.loop, &t->drain_timer, &t->drain_entry);
}

static void on_control(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    dft_thread_t *t = H2O_STRUCT_FROM_MEMBER(dft_thread_t, control, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        control_msg_t *msg = H2O_STRUCT_FROM_MEMBER(control_msg_t, super.link, messages->next);
        h2o_linklist_unlink(&msg->super.link);
        free(msg);
    }
    if (t->draining)
        return;
    t->draining = 1;
    if (t->listen_plain != NULL) {
        h2o_socket_read_stop(t->listen_plain);
        h2o_socket_close(t->listen_plain);
        t->listen_plain = NULL;
    }
    if (t->listen_tls != NULL) {
        h2o_socket_read_stop(t->listen_tls);
        h2o_socket_close(t->listen_tls);
        t->listen_tls = NULL;
    }
    if (t->listen_metrics != NULL) {
        h2o_socket_read_stop(t->listen_metrics);
        h2o_socket_close(t->listen_metrics);
        t->listen_metrics = NULL;
    }
    h2o_context_request_shutdown(&t->ctx);
    t->drain_deadline = h2o_now(t->ctx.loop) + (uint64_t)t->server->config->shutdown_timeout_ms;
    on_drain_tick(&t->drain_entry);
}

static void *thread_main(void *arg)
{
    dft_thread_t *t = arg;
    dft_server_t *s = t->server;
    h2o_context_init(&t->ctx, h2o_evloop_create(), &s->h2o);
    h2o_multithread_register_receiver(t->ctx.queue, &t->control, on_control);
    h2o_timeout_init(t->ctx.loop, &t->drain_timer, 50);
    t->drain_entry.cb = on_drain_tick;
    t->accept_plain = (h2o_accept_ctx_t){.ctx = &t->ctx, .hosts = s->api_hosts};
    t->accept_tls = (h2o_accept_ctx_t){.ctx = &t->ctx, .hosts = s->api_hosts, .ssl_ctx = s->ssl_ctx};
    t->accept_metrics = (h2o_accept_ctx_t){.ctx = &t->ctx, .hosts = s->metrics_hosts};
    if (s->fds_plain[t->index] >= 0)
        t->listen_plain = start_listener(t, s->fds_plain[t->index], &t->accept_plain);
    if (s->fds_tls[t->index] >= 0)
        t->listen_tls = start_listener(t, s->fds_tls[t->index], &t->accept_tls);
    if (t->index == 0 && s->fd_metrics >= 0)
        t->listen_metrics = start_listener(t, s->fd_metrics, &t->accept_metrics);
    dft_worker_attach_thread(t);
    dft_watchdog_start(t);
    if (s->hooks.on_start != NULL)
        s->hooks.on_start(t);
    while (!t->done)
        h2o_evloop_run(t->ctx.loop, INT32_MAX); /* -1 on EINTR (a debugger, strace, SIGCONT): keep serving */
    __atomic_add_fetch(&s->threads_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* Whether host:port names a loopback address (127.0.0.0/8, ::1); anything else is not. */
static int is_loopback(const char *hostport)
{
    char host[256];
    uint16_t port;
    dft_cidr_t lo[2];
    return dft_config_split_hostport(hostport, host, sizeof(host), &port) == 0 &&
           dft_cidr_parse_list("127.0.0.0/8,::1/128", lo, 2) == 2 && dft_cidr_match(lo, 2, host, strlen(host));
}

/* ----------------------------------------------------------------- public */

/* The signals that ask for a drain: SIGTERM and SIGINT. */
static void shutdown_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
}

dft_server_t *dft_server_new(dft_config_t *config, const dft_route_table_t *const *tables, size_t num_tables)
{
    /* Blocked here, before any thread starts, and so in every thread started after (workers, timers, mailer,
     * webhooks, loops): only dft_server_run's sigtimedwait takes them. A thread started with them unblocked
     * would be where the kernel delivers one whenever the main thread is between two waits, and its default
     * action kills the process (exit -15, not a drain). */
    sigset_t set;
    shutdown_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    dft_server_t *s = dft_calloc(1, sizeof(*s));
    s->config = config;
    s->num_threads = config->threads > 0 ? (size_t)config->threads : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
    if (s->num_threads < 1)
        s->num_threads = 1;
    if (s->num_threads > DFT_ARRAY_SIZE(s->fds_plain))
        s->num_threads = DFT_ARRAY_SIZE(s->fds_plain);
    s->router = dft_router_new(tables, num_tables);
    s->schema = dft_schema_new(dft_openapi_json, dft_openapi_json_len, s->router);
    dft_static_init(&s->openapi, "application/json", dft_openapi_json, dft_openapi_json_len);
    s->openapi.br = h2o_iovec_init(dft_openapi_br, dft_openapi_br_len);

    if (config->listen[0] == '\0' && config->tls_listen[0] == '\0') {
        dft_log(DFT_LOG_ERROR, "config", "neither listen nor tls_listen is set");
        return NULL;
    }
    if (config->tls_listen[0] != '\0') {
        if ((s->ssl_ctx = make_ssl_ctx(config)) == NULL) {
            unsigned long e = ERR_get_error();
            dft_log(DFT_LOG_ERROR, "config", "cannot set up TLS from tls_cert/tls_key: %s",
                    e ? ERR_reason_error_string(e) : "unknown");
            return NULL;
        }
    }
    char why[256];
    for (size_t i = 0; i < s->num_threads; ++i) {
        s->fds_plain[i] = s->fds_tls[i] = -1;
        if (config->listen[0] != '\0' && (s->fds_plain[i] = open_listener(config->listen, i == 0, why, sizeof(why))) < 0) {
            dft_log(DFT_LOG_ERROR, "config", "%s", why);
            return NULL;
        }
        if (config->tls_listen[0] != '\0' && (s->fds_tls[i] = open_listener(config->tls_listen, i == 0, why, sizeof(why))) < 0) {
            dft_log(DFT_LOG_ERROR, "config", "%s", why);
            return NULL;
        }
    }

    s->trusted_proxies = dft_calloc(64, sizeof(dft_cidr_t));
    int np = dft_cidr_parse_list(config->trusted_proxies, s->trusted_proxies, 64);
    if (np < 0) {
        dft_log(DFT_LOG_ERROR, "config", "trusted_proxies must be a comma-separated list of CIDRs");
        return NULL;
    }
    s->num_trusted_proxies = (size_t)np;
    if (config->metrics_token[0] != '\0' && (strlen(config->metrics_token) < 32 || strlen(config->metrics_token) > 256 ||
                                             strspn(config->metrics_token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                                           "0123456789-._~+/=") != strlen(config->metrics_token))) {
        dft_log(DFT_LOG_ERROR, "config", "metrics_token must be 32-256 token characters (e.g. openssl rand -hex 32)");
        return NULL;
    }
    s->fd_metrics = -1;
    if (config->metrics_listen[0] != '\0') {
        if (config->metrics_token[0] == '\0' && !is_loopback(config->metrics_listen)) {
            dft_log(DFT_LOG_ERROR, "config", "metrics_listen off loopback (%s) needs metrics_token", config->metrics_listen);
            return NULL;
        }
        if ((s->fd_metrics = open_listener(config->metrics_listen, 1, why, sizeof(why))) < 0) {
            dft_log(DFT_LOG_ERROR, "config", "metrics_listen: %s", why);
            return NULL;
        }
    }
    static const dft_route_table_t *const metrics_tables[] = {&dft_metrics_routes};
    s->metrics_router = dft_router_new(metrics_tables, 1);
    h2o_config_init(&s->h2o);
    s->h2o.server_name = h2o_iovec_init(H2O_STRLIT("daftar"));
    /* Two limits. h2o buffers a whole body before our handler runs, and when a
     * body passes its own limit it answers 413 and closes at once (HTTP/1.1:
     * the client, still sending, usually sees a reset) or refuses the stream
     * (HTTP/2). So h2o's limit is the transport ceiling, max_request_size, and
     * the per-route limit (max_body for JSON) is checked by us and answered
     * with a problem+json 413 on a connection that stays usable. */
    if (config->max_request_size < config->max_body || config->max_request_size < config->max_upload) {
        dft_log(DFT_LOG_ERROR, "config", "max_request_size must be at least max_body and max_upload");
        return NULL;
    }
    /* the watchdog (watchdog.c) takes a connection that moves no byte for idle_timeout_ms for
     * stalled; one waiting for the database must not look like that */
    if (config->idle_timeout_ms <= config->db_wait_ms + config->db_statement_timeout_ms) {
        dft_log(DFT_LOG_ERROR, "config", "idle_timeout_ms must be larger than db_wait_ms + db_statement_timeout_ms");
        return NULL;
    }
    s->h2o.max_request_entity_size = (size_t)config->max_request_size;
    s->h2o.http1.req_timeout = (uint64_t)config->header_timeout_ms;
    s->h2o.http1.upgrade_to_http2 = 1;
    s->h2o.http2.idle_timeout = (uint64_t)config->idle_timeout_ms;
    s->h2o.http2.graceful_shutdown_timeout = (uint64_t)config->shutdown_timeout_ms;
    s->h2o.http2.max_concurrent_requests_per_connection = (size_t)config->h2_max_streams;
    s->h2o.handshake_timeout = (uint64_t)config->header_timeout_ms;
    const struct {
        const char *name;
        dft_router_t *router;
        h2o_hostconf_t **hosts;
    } kinds[] = {{"default", s->router, s->api_hosts}, {"metrics", s->metrics_router, s->metrics_hosts}};
    for (size_t i = 0; i < DFT_ARRAY_SIZE(kinds); ++i) {
        h2o_hostconf_t *host = h2o_config_register_host(&s->h2o, h2o_iovec_init(kinds[i].name, strlen(kinds[i].name)), 65535);
        h2o_pathconf_t *path = h2o_config_register_path(host, "/", 0);
        dft_http_install_handler(path, s, kinds[i].router, kinds[i].router == s->metrics_router);
        dft_http_install_error_filter(path, s);
        dft_http_install_error_filter(&host->fallback_path, s);
        kinds[i].hosts[0] = host; /* [1] stays NULL: a listener's connections know one host */
    }
    return s;
}

int dft_server_run(dft_server_t *s)
{
    sigset_t set;
    shutdown_signals(&set); /* blocked since dft_server_new: the set to wait on */
    signal(SIGPIPE, SIG_IGN);

    s->threads = dft_calloc(s->num_threads, sizeof(dft_thread_t));
    size_t num_routes = 0;
    for (size_t i = 0; dft_router_route(s->router, i) != NULL; ++i)
        num_routes = i + 1;
    for (size_t i = 0; i < s->num_threads; ++i) {
        dft_thread_t *t = &s->threads[i];
        t->server = s;
        t->index = i;
        t->metrics = dft_metrics_new(num_routes);
        dft_random_hex(t->id_prefix, 8);
    }
    for (size_t i = 0; i < s->num_threads; ++i)
        h2o_multithread_create_thread(&s->threads[i].tid, NULL, thread_main, &s->threads[i]);
    dft_log(DFT_LOG_INFO, "listening", "http=%s tls=%s metrics=%s threads=%zu", s->config->listen[0] ? s->config->listen : "off",
            s->config->tls_listen[0] ? s->config->tls_listen : "off",
            s->config->metrics_listen[0] ? s->config->metrics_listen : "off", s->num_threads);

    /* EINTR (ptrace attach and the like) is not a shutdown request; every
     * 100 ms the main thread also looks after the workers' scheduling class */
    struct timespec watch = {0, 100 * 1000 * 1000};
    int sig;
    while ((sig = sigtimedwait(&set, NULL, &watch)) != SIGTERM && sig != SIGINT)
        dft_worker_watch();
    dft_log(DFT_LOG_INFO, "shutdown", "signal %d: draining (up to %lld ms)", sig, (long long)s->config->shutdown_timeout_ms);
    for (size_t i = 0; i < s->num_threads; ++i)
        h2o_multithread_send_message(&s->threads[i].control, &((control_msg_t *)dft_calloc(1, sizeof(control_msg_t)))->super);
    struct timespec tick = {0, 20 * 1000 * 1000};
    while (__atomic_load_n(&s->threads_done, __ATOMIC_SEQ_CST) < (int)s->num_threads) {
        if (sigtimedwait(&set, NULL, &tick) > 0) {
            dft_log(DFT_LOG_WARN, "shutdown", "second signal: exiting at once");
            _exit(1);
        }
    }
    for (size_t i = 0; i < s->num_threads; ++i)
        pthread_join(s->threads[i].tid, NULL);
    dft_log(DFT_LOG_INFO, "shutdown", "drained; exiting");
    return 0;
}
