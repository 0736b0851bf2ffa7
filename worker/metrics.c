/* metrics: gasd's Prometheus endpoint (`gasd --metrics [HOST:]PORT`, config metrics_addr).
 *
 * Threads: the pipeline threads only add to atomic counters here (metrics_*); one server
 * thread owns the listening socket, answers one connection at a time (each bounded: 8 KiB of
 * request, 2 s to send it) and reads the queue depths from the backend for every scrape
 * through its own queue handles. metrics_stop() sets the stop flag; the thread notices it
 * within 200 ms (poll timeout), closes its socket and is joined. Loopback unless the
 * operator names another host: the numbers are not secret but nobody asked to publish them. */
#include "worker.h"

#include "gas/awshttp.h"
#include "gas/backend.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"
#include "gas/version.h"
#include "gas/workers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* job latency (submit -> COMPLETED) buckets, seconds */
static const double bucket_le[] = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200};
#define NBUCKETS (sizeof bucket_le / sizeof *bucket_le)

static struct {
    atomic_llong retries[8], dead[8];
    atomic_llong lat_bucket[NBUCKETS], lat_count, lat_sum_ms;
    atomic_llong records, annot_us, jobs_failed;
    atomic_llong receive_errors[8], heartbeat_errors, last_heartbeat;
    struct worker *w;
    int fd;
    atomic_int stop;
    pthread_t th;
    int running;
} M = {.fd = -1};

void metrics_retry(int p)
{
    if (p >= 0 && p < 8)
        atomic_fetch_add(&M.retries[p], 1);
}

void metrics_dead(int p)
{
    if (p >= 0 && p < 8)
        atomic_fetch_add(&M.dead[p], 1);
}

void metrics_job_done(double latency_s, int64_t records, double annot_s)
{
    for (size_t i = 0; i < NBUCKETS; i++)
        if (latency_s <= bucket_le[i])
            atomic_fetch_add(&M.lat_bucket[i], 1);
    atomic_fetch_add(&M.lat_count, 1);
    atomic_fetch_add(&M.lat_sum_ms, (long long)(latency_s * 1000));
    atomic_fetch_add(&M.records, records);
    atomic_fetch_add(&M.annot_us, (long long)(annot_s * 1e6)); /* a small job takes < 1 ms */
}

void metrics_jobs_ended(long long *completed, long long *failed)
{
    *completed = atomic_load(&M.lat_count);
    *failed = atomic_load(&M.jobs_failed);
}

void metrics_receive_error(int p)
{
    if (p >= 0 && p < 8)
        atomic_fetch_add(&M.receive_errors[p], 1);
}

void metrics_heartbeat(int ok)
{
    if (ok)
        atomic_store(&M.last_heartbeat, (long long)gas_now_s());
    else
        atomic_fetch_add(&M.heartbeat_errors, 1);
}

void metrics_job_failed(void)
{
    atomic_fetch_add(&M.jobs_failed, 1);
}

/* [HOST:]PORT -> a bound, listening socket; loopback when HOST is left out. */
static int listen_on(const char *addr)
{
    char host[256] = "127.0.0.1", port[16];
    const char *colon = strrchr(addr, ':');
    if (colon) {
        size_t hl = (size_t)(colon - addr);
        if (hl >= sizeof host)
            return gas_err_set(GAS_EINVAL, "metrics address %s: host too long", addr);
        if (hl) {
            memcpy(host, addr, hl);
            host[hl] = 0;
        }
        addr = colon + 1;
    }
    char *end;
    long pn = strtol(addr, &end, 10);
    if (!*addr || *end || pn < 0 || pn > 65535)
        return gas_err_set(GAS_EINVAL, "metrics address: port %s is not 0..65535", addr);
    snprintf(port, sizeof port, "%ld", pn);
    if (host[0] == '[' && host[strlen(host) - 1] == ']') { /* [::1] */
        memmove(host, host + 1, strlen(host));
        host[strlen(host) - 1] = 0;
    }
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    int e = getaddrinfo(host, port, &hints, &ai);
    if (e)
        return gas_err_set(GAS_EINVAL, "metrics address %s: %s", host, gai_strerror(e));
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return gas_err_set(GAS_EIO, "metrics: cannot listen on %s:%s: %s", host, port,
                           strerror(err));
    }
    freeaddrinfo(ai);
    return fd;
}

struct out {
    char *s;
    size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(o->s + o->n, o->cap - o->n, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < o->cap - o->n) {
            o->n += (size_t)k;
            return;
        }
        o->cap = o->cap * 2 + (size_t)(k > 0 ? k : 256);
        o->s = xrealloc(o->s, o->cap);
    }
}

static void counter(struct out *o, const char *name, const char *help)
{
    put(o, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

static void per_pipeline(struct out *o, const char *name, const char *help, atomic_llong *v)
{
    counter(o, name, help);
    for (int p = 0; p < npipelines && p < 8; p++)
        put(o, "%s{pipeline=\"%s\"} %lld\n", name, pipelines[p].name,
            (long long)atomic_load(&v[p]));
}

static void queue_gauges(struct out *o, struct queue **qs)
{
    double ages[8]; /* < 0: not known, left out */
    for (int p = 0; p < 8; p++)
        ages[p] = -1;
    static const char *const states[] = {"visible", "in_flight", "delayed", "dead"};
    put(o, "# HELP gas_queue_messages Messages in each queue by state (dead: in its dead-letter "
           "queue), read from the backend at scrape time: every gasd reports the same queues, "
           "so aggregate with max(), not sum()\n# TYPE gas_queue_messages gauge\n");
    for (int p = 0; p < npipelines && p < 8; p++) {
        struct queue_depths d;
        if (!qs[p] || queue_depths(qs[p], &d)) {
            put(o, "gas_queue_up{queue=\"%s\"} 0\n", qs[p] ? qs[p]->name : pipelines[p].name);
            continue;
        }
        int64_t v[4] = {d.visible, d.in_flight, d.delayed, d.dead};
        for (int s = 0; s < 4; s++)
            put(o, "gas_queue_messages{queue=\"%s\",state=\"%s\"} %lld\n", qs[p]->name, states[s],
                (long long)v[s]);
        ages[p] = d.visible && d.oldest > 0 ? gas_now() - d.oldest : d.visible ? -1 : 0;
    }
    put(o, "# HELP gas_queue_oldest_message_age_seconds Age of the oldest message waiting to be "
           "received (0: none waiting; on AWS see SQS's ApproximateAgeOfOldestMessage in "
           "CloudWatch)\n# TYPE gas_queue_oldest_message_age_seconds gauge\n");
    for (int p = 0; p < npipelines && p < 8; p++)
        if (qs[p] && ages[p] >= 0)
            put(o, "gas_queue_oldest_message_age_seconds{queue=\"%s\"} %.3f\n", qs[p]->name,
                ages[p]);
}

/* The workers table as this gasd reads it: how many alive, lost, stopped, failed (the
 * same for every gasd: aggregate with max()). */
static void worker_gauges(struct out *o)
{
    struct worker_rec *v = NULL;
    int n = 0, count[WORKER_NSTATES] = {0};
    if (workers_list(M.w->app, gas_now(), 0, &v, &n))
        return;
    for (int i = 0; i < n; i++)
        if ((unsigned)v[i].state < WORKER_NSTATES)
            count[v[i].state]++;
    free(v);
    put(o, "# HELP gas_workers gasd workers in the workers table by state (lost: no heartbeat "
           "for 3 intervals); the same from every gasd: aggregate with max()\n"
           "# TYPE gas_workers gauge\n");
    for (int s = 0; s < WORKER_NSTATES; s++)
        put(o, "gas_workers{state=\"%s\"} %d\n", worker_state_name((enum worker_state)s), count[s]);
}

/* Free and total bytes of the file systems gasd writes to: the job work directories and,
 * on the local backend, data_dir (database, objects, archives). A full one fails every
 * job (ENOSPC): alert on the free fraction. */
static void filesystem_gauges(struct out *o)
{
    const struct cfg *cfg = M.w->cfg;
    const char *backend = M.w->app->be->name;
    char *dirs[2] = {pipe_work_base(cfg, backend), NULL};
    const char *names[2] = {"work_dir", "data_dir"};
    if (!strcmp(backend, "local"))
        dirs[1] = xstrdup(cfg_str(cfg, CFG_DATA_DIR));
    struct statvfs sv[2];
    int ok[2] = {0, 0};
    for (int i = 0; i < 2; i++)
        ok[i] = dirs[i] && statvfs(dirs[i], &sv[i]) == 0;
    put(o, "# HELP gas_filesystem_free_bytes Bytes free to gasd (not root's reserve) on the "
           "file system of each directory it writes to\n"
           "# TYPE gas_filesystem_free_bytes gauge\n");
    for (int i = 0; i < 2; i++)
        if (ok[i])
            put(o, "gas_filesystem_free_bytes{dir=\"%s\"} %.0f\n", names[i],
                (double)sv[i].f_bavail * (double)sv[i].f_frsize);
    put(o, "# HELP gas_filesystem_size_bytes Size of the file system of each directory gasd "
           "writes to\n# TYPE gas_filesystem_size_bytes gauge\n");
    for (int i = 0; i < 2; i++)
        if (ok[i])
            put(o, "gas_filesystem_size_bytes{dir=\"%s\"} %.0f\n", names[i],
                (double)sv[i].f_blocks * (double)sv[i].f_frsize);
    free(dirs[0]);
    free(dirs[1]);
}

static char *render(struct queue **qs)
{
    struct out o = {xmalloc(4096), 0, 4096};
    struct worker *w = M.w;
    per_pipeline(&o, "gas_messages_done_total",
                 "Messages handled and deleted, per pipeline (a job that FAILED on its input is "
                 "a message handled; gas workers counts it among FAILED: see "
                 "gas_jobs_ended_total)",
                 w->done);
    per_pipeline(&o, "gas_messages_failed_total",
                 "Messages that failed (retried later or dead-lettered), per pipeline", w->failed);
    per_pipeline(&o, "gas_retries_total", "Messages left for a retry after a passing failure",
                 M.retries);
    per_pipeline(&o, "gas_dead_letters_total", "Messages this gasd moved to a dead-letter queue",
                 M.dead);
    per_pipeline(&o, "gas_receive_errors_total",
                 "Receives from the pipeline's queue that failed (backend down, disk full, "
                 "throttled): the pipeline waits 1 s and tries again",
                 M.receive_errors);
    counter(&o, "gas_heartbeat_errors_total",
            "Heartbeats this gasd could not write to the workers table (others then see it "
            "lost)");
    put(&o, "gas_heartbeat_errors_total %lld\n", (long long)atomic_load(&M.heartbeat_errors));
    put(&o,
        "# HELP gas_last_heartbeat_timestamp_seconds When this gasd last wrote its heartbeat "
        "(Unix time): alert on time() minus it\n"
        "# TYPE gas_last_heartbeat_timestamp_seconds gauge\n"
        "gas_last_heartbeat_timestamp_seconds %lld\n",
        (long long)atomic_load(&M.last_heartbeat));
    worker_gauges(&o);
    filesystem_gauges(&o);
    queue_gauges(&o, qs);
    put(&o, "# HELP gas_job_latency_seconds Submit to COMPLETED, for jobs this gasd completed\n"
            "# TYPE gas_job_latency_seconds histogram\n");
    for (size_t i = 0; i < NBUCKETS; i++)
        put(&o, "gas_job_latency_seconds_bucket{le=\"%g\"} %lld\n", bucket_le[i],
            (long long)atomic_load(&M.lat_bucket[i]));
    long long count = atomic_load(&M.lat_count);
    put(&o, "gas_job_latency_seconds_bucket{le=\"+Inf\"} %lld\n", count);
    put(&o, "gas_job_latency_seconds_sum %.3f\ngas_job_latency_seconds_count %lld\n",
        (double)atomic_load(&M.lat_sum_ms) / 1000.0, count);
    counter(&o, "gas_jobs_ended_total",
            "Jobs this gasd ended, by how: COMPLETED, or FAILED (bad input, gave up)");
    put(&o, "gas_jobs_ended_total{status=\"COMPLETED\"} %lld\n", count);
    put(&o, "gas_jobs_ended_total{status=\"FAILED\"} %lld\n",
        (long long)atomic_load(&M.jobs_failed));
    counter(&o, "gas_annotation_records_total", "VCF records annotated by this gasd");
    put(&o, "gas_annotation_records_total %lld\n", (long long)atomic_load(&M.records));
    counter(&o, "gas_annotation_seconds_total", "Seconds spent in the annotation engine");
    put(&o, "gas_annotation_seconds_total %.6f\n", (double)atomic_load(&M.annot_us) / 1e6);
    long long us = atomic_load(&M.annot_us);
    put(&o,
        "# HELP gas_annotation_records_per_second Records per second of the engine since this "
        "gasd started (for a recent rate: rate(gas_annotation_records_total) / "
        "rate(gas_annotation_seconds_total))\n"
        "# TYPE gas_annotation_records_per_second gauge\n"
        "gas_annotation_records_per_second %.1f\n",
        us ? (double)atomic_load(&M.records) * 1e6 / (double)us : 0.0);
    struct aws_request_count rq[128];
    int nrq = aws_request_counts(rq, 128);
    if (nrq) {
        counter(&o, "gas_aws_requests_total",
                "AWS requests this gasd sent (every attempt), by service and operation");
        for (int i = 0; i < nrq; i++)
            put(&o, "gas_aws_requests_total{service=\"%s\",operation=\"%s\"} %lld\n", rq[i].service,
                rq[i].operation, rq[i].count);
    }
    put(&o,
        "# HELP gas_worker_info This gasd\n# TYPE gas_worker_info gauge\n"
        "gas_worker_info{worker=\"%s\",version=\"%s\"} 1\n",
        w->id, GAS_VERSION);
    return o.s;
}

/* Answers one request (its head in req) and closes the connection. */
static void respond(int c, const char *req, struct queue **qs)
{
    char *body = NULL;
    const char *status = "200 OK", *type = "text/plain; version=0.0.4; charset=utf-8";
    int head = !strncmp(req, "HEAD ", 5); /* as GET, without the body */
    const char *path = req + (head ? 5 : 4);
    if ((head || !strncmp(req, "GET ", 4)) &&
        (!strncmp(path, "/metrics ", 9) || !strncmp(path, "/metrics?", 9))) {
        body = render(qs);
    } else if ((head || !strncmp(req, "GET ", 4)) && !strncmp(path, "/ ", 2)) {
        body = xstrdup("gasd metrics: GET /metrics\n");
        type = "text/plain";
    } else {
        status = strncmp(req, "GET ", 4) && !head ? "405 Method Not Allowed" : "404 Not Found";
        body = xstrdup("GET /metrics\n");
        type = "text/plain";
    }
    char *msg = xasprintf("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                          "Connection: close\r\n\r\n%s",
                          status, type, strlen(body), head ? "" : body);
    size_t len = strlen(msg), off = 0;
    double until = gas_mono() + 2.0; /* a client that does not read: given up on */
    while (off < len && gas_mono() < until) {
        struct pollfd pf = {c, POLLOUT, 0};
        if (poll(&pf, 1, 200) <= 0)
            continue;
        ssize_t k = send(c, msg + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (k <= 0)
            break;
        off += (size_t)k;
    }
    free(msg);
    free(body);
    close(c);
}

/* Connections whose request is still coming in: read side by side, so that clients that
 * connect and send nothing (or slowly) do not hold up a scrape; each has 2 s. */
#define MAX_CONNS 32
struct conn {
    int fd;
    size_t n;
    double until;
    char req[2048];
};

static void drop(struct conn *cs, int *nc, int i)
{
    close(cs[i].fd);
    cs[i] = cs[--*nc];
}

static void *metrics_main(void *arg)
{
    (void)arg;
    struct queue *qs[8] = {0};
    for (int p = 0; p < npipelines && p < 8; p++)
        if (app_queue(M.w->app, pipelines[p].queue_key, &qs[p]))
            qs[p] = NULL;
    struct conn *cs = xcalloc(MAX_CONNS, sizeof *cs);
    int nc = 0;
    while (!atomic_load(&M.stop)) {
        struct pollfd pf[MAX_CONNS + 1];
        pf[0] = (struct pollfd){M.fd, POLLIN, 0};
        for (int i = 0; i < nc; i++)
            pf[i + 1] = (struct pollfd){cs[i].fd, POLLIN, 0};
        int ready = poll(pf, (nfds_t)nc + 1, 200);
        double now = gas_mono();
        for (int i = nc - 1; i >= 0; i--) { /* pf[i + 1] is cs[i] as polled */
            struct conn *k = &cs[i];
            if (ready > 0 && pf[i + 1].revents) {
                ssize_t got = read(k->fd, k->req + k->n, sizeof k->req - 1 - k->n);
                if (got <= 0) {
                    drop(cs, &nc, i);
                    continue;
                }
                k->n += (size_t)got;
                k->req[k->n] = 0;
            }
            if (memmem(k->req, k->n, "\r\n\r\n", 4) || k->n == sizeof k->req - 1 ||
                now > k->until) { /* whole, full, or out of time: answered as it is */
                int fd = k->fd;
                char req[sizeof k->req];
                memcpy(req, k->req, k->n + 1);
                cs[i] = cs[--nc];
                respond(fd, req, qs);
            }
        }
        if (ready > 0 && (pf[0].revents & POLLIN)) {
            int c = accept4(M.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (c >= 0 && nc == MAX_CONNS) { /* full: the oldest idle one makes room */
                int oldest = 0;
                for (int i = 1; i < nc; i++)
                    if (cs[i].until < cs[oldest].until)
                        oldest = i;
                drop(cs, &nc, oldest);
            }
            if (c >= 0)
                cs[nc++] = (struct conn){c, 0, now + 2.0, {0}};
        }
    }
    for (int i = 0; i < nc; i++)
        close(cs[i].fd);
    free(cs);
    for (int p = 0; p < 8; p++)
        queue_close(qs[p]);
    return NULL;
}

int metrics_start(struct worker *w, const char *addr)
{
    if (!addr || !*addr)
        return 0;
    int fd = listen_on(addr);
    if (fd < 0)
        return fd;
    M.w = w;
    M.fd = fd;
    struct sockaddr_storage sa;
    socklen_t sl = sizeof sa;
    char host[128] = "?";
    int port = 0;
    if (!getsockname(fd, (struct sockaddr *)&sa, &sl)) {
        if (sa.ss_family == AF_INET) {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof host);
            port = ntohs(((struct sockaddr_in *)&sa)->sin_port);
        } else if (sa.ss_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof host);
            port = ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
        }
    }
    if (pthread_create(&M.th, NULL, metrics_main, NULL)) {
        close(fd);
        M.fd = -1;
        return gas_err_set(GAS_EIO, "metrics: cannot start its thread");
    }
    M.running = 1;
    log_info("gasd", "metrics at http://%s%s%s:%d/metrics", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", port);
    return 0;
}

void metrics_stop(void)
{
    if (!M.running)
        return;
    atomic_store(&M.stop, 1);
    pthread_join(M.th, NULL);
    close(M.fd);
    M.fd = -1;
    M.running = 0;
}
