/* runner: the receive -> handle -> ack loop every pipeline thread runs (design in
 * worker.h), the dead-letter move, and the in-flight list used at shutdown. */
#include "worker.h"

#include "gas/err.h"
#include "gas/job.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/topology.h"
#include "gas/util.h"
#include "gas/workers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pipe_result pipe_result_of(int rc)
{
    return gas_err_class(rc) == GAS_CLASS_RETRYABLE ? PIPE_RETRY : PIPE_DEAD;
}

enum pipe_result pipe_result_of_user(struct pipe_ctx *ctx, int rc)
{
    if (gas_err_class(rc) == GAS_CLASS_NOT_FOUND)
        return PIPE_DEAD;
    ctx->defer_s = (int)cfg_int(ctx->cfg, CFG_QUEUE_VISIBILITY);
    return PIPE_DEFER;
}

/* Reads the job a message names (job_id), setting the log context; 0, or <0 with *r
 * set to what to do with the message (a message naming no job is dead). */
static int pipe_load_job(struct pipe_ctx *ctx, const cJSON *body, struct job *job,
                         enum pipe_result *r)
{
    memset(job, 0, sizeof *job);
    const char *job_id = msg_job_id(body);
    if (!job_id) {
        *r = PIPE_DEAD;
        return gas_err_set(GAS_EINVAL, "message has no job_id");
    }
    log_ctx_job(job_id);
    int rc = app_job_get(ctx->app, job_id, job);
    if (rc)
        *r = pipe_result_of(rc);
    return rc;
}

/* Moves a message to its queue's dead-letter queue at once, with its id and the reason
 * (what gas dlq list and the console show). */
static void dead_letter(struct pipe_ctx *ctx, const char *why)
{
    char *dlq_name = topology_dlq_name(ctx->q->name);
    if (queue_dead_letter(ctx->q, ctx->msg, why))
        log_error("runner", "message %s: cannot move it to %s (%s); it will come back",
                  ctx->msg->id, dlq_name, gas_errmsg());
    else
        log_warn("runner", "message %s moved to %s: %s", ctx->msg->id, dlq_name, why);
    free(dlq_name);
}

/* Not due yet: hide the message until it is, while that leaves it a receive before the
 * dead-letter limit (and the queue allows the visibility); otherwise send it again with a
 * delay (at most 900 s, a fresh receive count) and delete this copy - so a grace of any
 * length neither dead-letters the message nor hits SQS's 12-hour visibility limit. */
static void defer(struct pipe_ctx *ctx)
{
    const struct queue_msg *m = ctx->msg;
    int max_receives = (int)cfg_int(ctx->cfg, CFG_QUEUE_MAX_RECEIVES);
    if (m->receive_count + 1 < max_receives &&
        queue_extend(ctx->q, m->receipt, ctx->defer_s) == 0) {
        log_info("runner", "message %s deferred %d s", m->id, ctx->defer_s);
        return;
    }
    int delay = ctx->defer_s < QUEUE_MAX_DELAY ? ctx->defer_s : QUEUE_MAX_DELAY;
    char *id = NULL;
    if (queue_send_raw(ctx->q, m->body, delay, &id)) {
        log_warn("runner", "message %s: cannot defer it (%s); it comes back after its visibility",
                 m->id, gas_errmsg());
        return;
    }
    if (queue_delete(ctx->q, m->receipt))
        log_warn("runner",
                 "message %s: re-sent as %s but not deleted (%s): handled twice, "
                 "harmlessly",
                 m->id, id, gas_errmsg());
    else
        log_info("runner", "message %s re-sent as %s, delayed %d s", m->id, id, delay);
    free(id);
}

/* A failed attempt: the message comes back after its visibility, unless this was its last
 * receive; then it goes to the dead letters now, with the error that made it fail (the
 * queue would move it on the next receive without knowing why). */
static void retry_or_give_up(struct pipe_ctx *ctx)
{
    int max_receives = (int)cfg_int(ctx->cfg, CFG_QUEUE_MAX_RECEIVES);
    const char *err = gas_errmsg();
    if (ctx->msg->receive_count < max_receives) {
        log_info("runner", "message %s will be retried (receive %d of %d): %s", ctx->msg->id,
                 ctx->msg->receive_count, max_receives, err);
        return;
    }
    char why[QUEUE_MAX_REASON];
    snprintf(why, sizeof why, "exceeded %d receives; last error: %s", max_receives, err);
    dead_letter(ctx, why);
}

/* The acknowledged messages of a batch, deleted together (DeleteMessageBatch on SQS). A
 * message is acknowledged only once its effects are durable; deleting it a little later
 * can only make it come back (handlers are idempotent), never lose it. */
struct acks {
    const char *receipt[BATCH_MAX];
    const char *id[BATCH_MAX];
    int n;
};

static void acks_flush(struct queue *q, struct acks *a)
{
    for (int from = 0; from < a->n; from += QUEUE_MAX_BATCH) { /* DeleteMessageBatch's limit */
        int k = a->n - from < QUEUE_MAX_BATCH ? a->n - from : QUEUE_MAX_BATCH, rcs[QUEUE_MAX_BATCH];
        if (queue_delete_batch(q, a->receipt + from, k, rcs))
            for (int i = 0; i < k; i++)
                if (rcs[i])
                    log_warn("runner", "message %s: delete failed (%s); it may be handled again",
                             a->id[from + i], gas_errmsg());
    }
    a->n = 0;
}

/* A batch being handled: its pipeline, the acknowledged messages so far, and the deferred
 * ones with their delays (hidden together at the batch's end: defer_all). */
struct batch {
    int p;
    struct acks acks;
    struct queue_msg *deferred[BATCH_MAX];
    int defer_s[BATCH_MAX];
    int ndeferred;
};

/* What becomes of the message ctx->msg, by its handler's result. */
static void settle(struct pipe_ctx *ctx, struct batch *b, enum pipe_result r)
{
    struct worker *w = ctx->w;
    int p = b->p;
    switch (r) {
    case PIPE_HELD: break; /* settled by the pipeline's batch_end */
    case PIPE_ACK:
    case PIPE_FAILED:
        b->acks.receipt[b->acks.n] = ctx->msg->receipt;
        b->acks.id[b->acks.n++] = ctx->msg->id;
        atomic_fetch_add(&w->done[p], 1);
        if (r == PIPE_FAILED)
            atomic_fetch_add(&w->jobs_failed[p], 1);
        break;
    case PIPE_RETRY:
        metrics_retry(p);
        if (atomic_load(&w->stopping)) { /* cut short by SIGTERM: another worker, now */
            if (queue_extend(ctx->q, ctx->msg->receipt, 0))
                log_warn("runner", "message %s: cannot make it visible (%s)", ctx->msg->id,
                         gas_errmsg());
            log_info("runner", "message %s released at shutdown", ctx->msg->id);
            break;
        }
        retry_or_give_up(ctx);
        atomic_fetch_add(&w->failed[p], 1);
        break;
    case PIPE_DEFER:
        b->deferred[b->ndeferred] = ctx->msg;
        b->defer_s[b->ndeferred++] = ctx->defer_s;
        break;
    case PIPE_DEAD:
        metrics_dead(p);
        dead_letter(ctx, gas_err_last() ? gas_errmsg() : "the handler gave no reason");
        atomic_fetch_add(&w->failed[p], 1);
        break;
    }
}

void runner_settle(struct pipe_ctx *ctx, struct batch *b, struct queue_msg *msg, enum pipe_result r)
{
    struct queue_msg *was = ctx->msg;
    ctx->msg = msg;
    settle(ctx, b, r);
    ctx->msg = was;
}

static void handle_one(struct pipe_ctx *ctx, struct batch *b)
{
    struct worker *w = ctx->w;
    int p = b->p;
    cJSON *body = NULL;
    size_t max = (size_t)cfg_int(ctx->cfg, CFG_MAX_MESSAGE_BYTES);
    gas_err_clear(); /* a reason reported for this message is this message's */
    int rc = msg_parse(ctx->msg->body, max, &body);
    if (rc) {
        char why[512];
        snprintf(why, sizeof why, "%s", gas_errmsg());
        metrics_dead(p);
        dead_letter(ctx, why);
        atomic_fetch_add(&w->failed[p], 1);
        return;
    }
    ctx->defer_s = 0;
    struct job job;
    enum pipe_result r = PIPE_ACK;
    if (!pipelines[p].load_job || pipe_load_job(ctx, body, &job, &r) == 0) {
        ctx->job = pipelines[p].load_job ? &job : NULL;
        r = pipelines[p].handle(ctx, body);
        if (ctx->job)
            job_release(ctx->job);
        ctx->job = NULL;
    }
    cJSON_Delete(body);
    settle(ctx, b, r);
}

/* The batch's deferred messages hidden for their delays, as one group of writes (lazily:
 * a deferral undone by a power loss only brings its message back early, to be deferred
 * again) instead of a transaction each: an archive batch of results in their grace is
 * nothing else. */
static void defer_all(struct pipe_ctx *ctx, struct batch *b)
{
    if (!b->ndeferred)
        return;
    backend_lazy(1);
    int grouped = b->ndeferred > 1 && backend_group_begin(ctx->app->be) == 0;
    for (int i = 0; i < b->ndeferred; i++) {
        ctx->msg = b->deferred[i];
        ctx->defer_s = b->defer_s[i];
        defer(ctx);
    }
    ctx->msg = NULL;
    if (grouped && backend_group_end(ctx->app->be))
        log_warn("runner", "deferring %d messages: %s (they come back after their visibility)",
                 b->ndeferred, gas_errmsg());
    backend_lazy(0);
    b->ndeferred = 0;
}

struct batch *runner_batch_new(int p)
{
    struct batch *b = xcalloc(1, sizeof *b);
    b->p = p;
    return b;
}

void runner_batch_end(struct pipe_ctx *ctx, struct batch *b)
{
    defer_all(ctx, b);
    acks_flush(ctx->q, &b->acks);
    free(b);
}

/* How many messages to receive at once: as many as this thread handles in about
 * BATCH_BUDGET_S (its recent time per message), 1..10, so that small jobs cost one receive
 * and one delete per ten while a long job never holds other messages back from idle
 * workers. */
#define BATCH_BUDGET_S 1.0
static int batch_size(double per_msg_s, int most)
{
    if (per_msg_s <= BATCH_BUDGET_S / most)
        return most;
    int n = (int)(BATCH_BUDGET_S / per_msg_s);
    return n < 1 ? 1 : n;
}

/* Up to max messages (at most BATCH_MAX): one receive that waits up to wait_s, then, while
 * each receive came back full, more that do not wait. 0 with *n set, or the first
 * receive's error (a later one's ends the batch with what it has). */
static int receive_batch(struct queue *q, int max, int wait_s, struct queue_msg *m, int *n)
{
    *n = 0;
    for (int first = 1; *n < max; first = 0) {
        int want = max - *n < QUEUE_MAX_BATCH ? max - *n : QUEUE_MAX_BATCH, got = 0;
        int rc = queue_receive(q, want, first ? wait_s : 0, -1, m + *n, &got);
        if (rc && first)
            return rc;
        if (rc)
            gas_err_clear();
        *n += rc ? 0 : got;
        if (rc || got < want)
            break;
    }
    return 0;
}

/* Makes the messages not handled yet visible again (shutdown, or a batch that has run
 * into half the visibility timeout: they would come back to another worker while here). */
static void release_rest(struct queue *q, struct queue_msg *m, int from, int n)
{
    for (int i = from; i < n; i++)
        if (queue_extend(q, m[i].receipt, 0))
            log_warn("runner", "message %s: cannot make it visible (%s)", m[i].id, gas_errmsg());
}

/* Handles a received batch in order, then deletes the acknowledged ones; returns the
 * seconds per message handled. */
static double run_batch(struct pipe_ctx *ctx, int p, struct queue_msg *m, int n)
{
    struct worker *w = ctx->w;
    double t0 = gas_now(), half = (double)cfg_int(ctx->cfg, CFG_QUEUE_VISIBILITY) / 2;
    struct batch b = {.p = p, .acks = {.n = 0}, .ndeferred = 0};
    atomic_fetch_add(&w->busy[p], 1);
    atomic_store(&w->idle_polls[p], 0);
    int i = 0;
    for (; i < n; i++) {
        if (i > 0 && (atomic_load(&w->stopping) || gas_now() - t0 > half))
            break;
        ctx->msg = &m[i];
        handle_one(ctx, &b);
        log_ctx_job(NULL);
        ctx->msg = NULL;
    }
    if (pipelines[p].batch_end)
        pipelines[p].batch_end(ctx, &b);
    release_rest(ctx->q, m, i, n);
    log_ctx_job(NULL);
    defer_all(ctx, &b);
    acks_flush(ctx->q, &b.acks);
    atomic_fetch_sub(&w->busy[p], 1);
    return (gas_now() - t0) / i;
}

void *runner_main(void *arg)
{
    struct runner_arg *ra = arg;
    struct worker *w = ra->w;
    int p = ra->p;
    free(ra);
    struct pipe_ctx ctx = {.w = w, .app = w->app, .cfg = w->cfg, .worker_id = w->id, .p = p};
    log_ctx_queue(cfg_str(w->cfg, pipelines[p].queue_key));
    if (app_queue(w->app, pipelines[p].queue_key, &ctx.q) ||
        (pipelines[p].thread_init && pipelines[p].thread_init(&ctx))) {
        log_error(pipelines[p].name, "cannot start: %s", gas_errmsg());
        char why[WORKER_PROBLEM_MAX];
        snprintf(why, sizeof why, "the %s pipeline could not start: %s", pipelines[p].name,
                 gas_errmsg());
        registry_problem(why); /* gas workers and the console say why it failed */
        atomic_store(&w->start_failed, 1);
        atomic_store(&w->stopping, 1);
        backend_interrupt(w->app->be);
        queue_close(ctx.q);
        return NULL;
    }
    int wait = w->once ? 1 : (int)cfg_int(w->cfg, CFG_QUEUE_WAIT);
    double per_msg = BATCH_BUDGET_S; /* unknown yet: one at a time */
    /* batches past one receive only where they save syncs (BATCH_MAX): on AWS each write
     * is a request of its own, and a further receive would only add requests */
    int most = backend_groups(w->app->be) ? BATCH_MAX : QUEUE_MAX_BATCH;
    while (!atomic_load(&w->stopping)) {
        struct queue_msg m[BATCH_MAX];
        int n = 0;
        if (receive_batch(ctx.q, batch_size(per_msg, most), wait, m, &n)) {
            log_warn(pipelines[p].name, "receive failed: %s", gas_errmsg());
            metrics_receive_error(p);
            gas_sleep(1);
            continue;
        }
        if (n == 0) {
            atomic_fetch_add(&w->idle_polls[p], 1);
            continue;
        }
        per_msg = (per_msg + run_batch(&ctx, p, m, n)) / 2;
        for (int i = 0; i < n; i++)
            queue_msg_release(&m[i]);
    }
    if (pipelines[p].thread_done)
        pipelines[p].thread_done(&ctx);
    queue_close(ctx.q);
    log_ctx_queue(NULL);
    return NULL;
}

/* ------------------------------------------------------------------ in flight */

struct inflight {
    char *job_id, *msg_id, *receipt;
    struct queue *q;
    int64_t attempts;
    double renewed; /* gas_mono() of the claim or the last renewal */
    struct inflight *next;
};
static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;
static struct inflight *inflight_head;

void inflight_add(const char *job_id, const char *msg_id, struct queue *q, const char *receipt,
                  int64_t attempts)
{
    struct inflight *f = xcalloc(1, sizeof *f);
    f->attempts = attempts;
    f->renewed = gas_mono();
    f->job_id = xstrdup(job_id);
    f->msg_id = xstrdup(msg_id ? msg_id : "");
    f->receipt = xstrdup(receipt);
    f->q = q;
    pthread_mutex_lock(&inflight_lock);
    f->next = inflight_head;
    inflight_head = f;
    pthread_mutex_unlock(&inflight_lock);
}

int inflight_seen(const char *job_id, const char *msg_id, const char *receipt)
{
    int found = 0;
    pthread_mutex_lock(&inflight_lock);
    for (struct inflight *f = inflight_head; f && !found; f = f->next) {
        if (strcmp(f->job_id, job_id))
            continue;
        found = msg_id && !strcmp(f->msg_id, msg_id) ? 2 : 1;
        if (found == 2) { /* renewals go on with the receipt the queue knows now */
            free(f->receipt);
            f->receipt = xstrdup(receipt);
        }
    }
    pthread_mutex_unlock(&inflight_lock);
    return found;
}

void inflight_remove(const char *job_id)
{
    pthread_mutex_lock(&inflight_lock);
    for (struct inflight **pp = &inflight_head; *pp; pp = &(*pp)->next) {
        if (!strcmp((*pp)->job_id, job_id)) {
            struct inflight *f = *pp;
            *pp = f->next;
            free(f->job_id);
            free(f->msg_id);
            free(f->receipt);
            free(f);
            break;
        }
    }
    pthread_mutex_unlock(&inflight_lock);
}

/* gasd's main loop calls this a few times a second: the lease of every job in flight and
 * its message's visibility are renewed once a third of the lease has passed, so that a
 * long job (fetch, engine, upload) is neither taken over nor redelivered. One pass for
 * all jobs, instead of a thread per job. The lock is held across the renewals: a job's
 * queue handle stays valid while it is listed. */
void inflight_renew_due(struct worker *w)
{
    int lease = (int)cfg_int(w->cfg, CFG_JOB_LEASE);
    double every = lease / 3 > 0 ? lease / 3 : 1, now = gas_mono();
    pthread_mutex_lock(&inflight_lock);
    for (struct inflight *f = inflight_head; f; f = f->next) {
        if (now - f->renewed < every)
            continue;
        f->renewed = now;
        log_ctx_job(f->job_id);
        if (job_renew(w->app->jobs, f->job_id, w->id, lease))
            log_warn("annotate", "lease renewal failed: %s", gas_errmsg());
        if (queue_extend(f->q, f->receipt, lease))
            log_warn("annotate", "visibility renewal failed: %s", gas_errmsg());
        log_ctx_job(NULL);
    }
    pthread_mutex_unlock(&inflight_lock);
}

/* At the shutdown deadline: every job still running here goes back to PENDING and its
 * message becomes visible at once, so another worker takes it without waiting. */
void inflight_release_all(struct worker *w)
{
    pthread_mutex_lock(&inflight_lock);
    for (struct inflight *f = inflight_head; f; f = f->next) {
        /* cut short: not a failed attempt */
        int rc = job_requeue(w->app->jobs, f->job_id, w->id, NULL, f->attempts - 1);
        queue_extend(f->q, f->receipt, 0);
        log_warn("gasd", "job %s released at shutdown%s", f->job_id,
                 rc ? " (its state had moved on)" : "");
    }
    pthread_mutex_unlock(&inflight_lock);
}
