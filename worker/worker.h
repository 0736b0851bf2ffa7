/* worker: gasd's internals.
 *
 * Threads: gasd runs, for each pipeline in the table of worker/pipelines.c, the number of
 * threads its config key asks for; each runs runner_main: receive a batch of messages
 * (long poll; up to 10, as many as the thread handles in about a second), and for each
 * parse it (size-bounded JSON, SNS envelope unwrapped), call the pipeline's
 * handler, then act on what it returns:
 *   PIPE_ACK    effects are durable: delete the message (the batch's together, after it)
 *   PIPE_RETRY  a passing failure: leave it, it comes back after its visibility timeout
 *               and goes to the dead-letter queue after queue_max_receives receives
 *   PIPE_DEFER  not yet (archive grace): hide it for ctx->defer_s more seconds
 *   PIPE_DEAD   the message itself is bad: move it to the dead-letter queue now
 * A heartbeat thread records the worker in the workers table. SIGTERM/SIGINT set
 * `stopping` and interrupt the backend: long polls return and object transfers in
 * progress end (curl's progress callback on AWS, the copy loops on local), so a job
 * being fetched or uploaded is released at once (PENDING, attempt given back) and its
 * message made visible; runners finish the message in hand and exit; work still running
 * at the shutdown deadline (the annotation engine) is released the same way through the
 * in-flight list (its own mutex) before gasd exits 0. */
#ifndef GAS_WORKER_H
#define GAS_WORKER_H

#include "gas/app.h"
#include "gas/config.h"

#include <cjson/cJSON.h>
#include <stdatomic.h>

/* A runner's batch: up to BATCH_MAX messages, received by as many receives of at most
 * QUEUE_MAX_BATCH (SQS's limit) as it takes, the later ones without waiting (receive_batch
 * in runner.c). The batch's held writes are made durable together: a hundred small jobs
 * cost the syncs that ten did (a drain of 3000 small jobs on the embedded backend: 10 per
 * batch 1.70 s, 30 1.30 s, 100 1.08 s; 478, 412 and 377 MB written to the disk). A batch
 * fills only from a backlog (a receive gives what is there), and a long job makes it small
 * (batch_size: about a second's work), so it adds no wait when the queue is short. Only
 * on a backend that groups writes (backend_groups: local); on AWS a batch is one receive. */
#define BATCH_MAX (10 * QUEUE_MAX_BATCH)

/* PIPE_HELD: the handler keeps the message to settle it at the end of the batch
 * (pipeline.batch_end), with the others it held: their writes made durable together. */
/* PIPE_FAILED: as PIPE_ACK (the message is done with), but the job it carried FAILED: the
 * worker's item counts it among its failures (gas workers, gas top, the console), not
 * among its done (jobs_failed); the metrics count it a message done. */
enum pipe_result { PIPE_ACK, PIPE_RETRY, PIPE_DEFER, PIPE_DEAD, PIPE_HELD, PIPE_FAILED };

struct worker;
struct batch;

struct pipe_ctx {
    struct worker *w;
    struct gas_app *app;
    const struct cfg *cfg;
    struct queue *q;
    struct queue_msg *msg;
    const char *worker_id;
    int defer_s;
    void *local;     /* the pipeline's per-thread state (e.g. annotation sources) */
    struct job *job; /* the message's job, for pipelines with load_job (runner-owned) */
    int p;           /* its pipeline (pipelines[p]) */
};

struct pipeline {
    const char *name;
    enum cfg_key queue_key, threads_key;
    /* the runner reads the job the message names (job_id) into ctx->job first; a message
     * without one, or naming no job, never reaches the handler */
    int load_job;
    enum pipe_result (*handle)(struct pipe_ctx *ctx, const cJSON *body);
    /* optional per-thread state */
    int (*thread_init)(struct pipe_ctx *ctx);
    void (*thread_done)(struct pipe_ctx *ctx);
    /* required with PIPE_HELD: settles every message held in this batch (runner_settle) */
    void (*batch_end)(struct pipe_ctx *ctx, struct batch *b);
};

/* The end of a held message: what the runner does with a handler's result, done later. */
struct batch;
void runner_settle(struct pipe_ctx *ctx, struct batch *b, struct queue_msg *msg,
                   enum pipe_result r);
/* A batch of settlements made off the runner (annotate's committer thread): new, and
 * ended (its acknowledged messages deleted together, with ctx's queue) and freed. */
struct batch *runner_batch_new(int p);
void runner_batch_end(struct pipe_ctx *ctx, struct batch *b);

extern const struct pipeline pipelines[];
extern const int npipelines;

enum pipe_result pipe_annotate(struct pipe_ctx *ctx, const cJSON *body);
int annotate_thread_init(struct pipe_ctx *ctx);
void annotate_thread_done(struct pipe_ctx *ctx);
void annotate_batch_end(struct pipe_ctx *ctx, struct batch *b);
enum pipe_result pipe_notify(struct pipe_ctx *ctx, const cJSON *body);
int notify_thread_init(struct pipe_ctx *ctx);
void notify_thread_done(struct pipe_ctx *ctx);
void notify_batch_end(struct pipe_ctx *ctx, struct batch *b);
enum pipe_result pipe_archive(struct pipe_ctx *ctx, const cJSON *body);
/* Delete the cold copy parked in a job's cold_cleanup_id (an abandoned archive's, a thaw's),
 * then clear it; PIPE_RETRY while the delete fails (the id stays parked). */
enum pipe_result cold_cleanup(struct pipe_ctx *ctx, const char *job_id, const char *aid);
enum pipe_result pipe_restore(struct pipe_ctx *ctx, const cJSON *body);
/* A request to restore one job (user_id: the user the request names, or NULL): started if
 * the job is ARCHIVED and its user premium; done with if it is restoring or restored;
 * dead-lettered with the reason if the user is not premium or not the job's. */
enum pipe_result restore_request(struct pipe_ctx *ctx, const struct job *job, const char *user_id);
enum pipe_result pipe_thaw(struct pipe_ctx *ctx, const cJSON *body);
enum pipe_result pipe_ses_events(struct pipe_ctx *ctx, const cJSON *body);

/* What a backend error means for the message: RETRY when it may pass, DEAD otherwise. */
enum pipe_result pipe_result_of(int rc);
/* What a user source error means: no such user dead-letters the message; anything else
 * (the accounts database down or slow, or misconfigured: a refused password, a missing
 * table) is not the message's fault and hides it for another visibility timeout
 * (PIPE_DEFER: the receive limit never dead-letters it, so nothing is lost while the
 * database or its configuration is fixed; gasd logs why each time). */
enum pipe_result pipe_result_of_user(struct pipe_ctx *ctx, int rc);
/* ---- worker state shared by the threads */
struct worker {
    struct gas_app *app;
    const struct cfg *cfg;
    char id[96];
    atomic_int stopping;
    atomic_llong done[8]; /* messages acknowledged, per pipeline */
    atomic_llong failed[8];
    atomic_llong jobs_failed[8]; /* of the done messages, those whose job FAILED */
    int once;                    /* --once: stop when nothing is due now */
    atomic_int start_failed;     /* a pipeline could not start: gasd stops and exits 1 */
    atomic_int idle_polls[8];
    atomic_int busy[8]; /* messages in hand, per pipeline */
};

/* Runs pipeline p's loop on this thread until the worker stops. */
void *runner_main(void *arg);
/* gasd --bench-engine N IN (worker/bench.c): the exit status. */
int engine_bench(const struct cfg *cfg, const char *n, const char *in);
struct runner_arg {
    struct worker *w;
    int p;
};

/* Annotation jobs claimed by this gasd, from the claim to the end of their handling;
 * those still there at the shutdown deadline are released: job PENDING with the claim's
 * attempt given back, message visible at once. */
void inflight_add(const char *job_id, const char *msg_id, struct queue *q, const char *receipt,
                  int64_t attempts);
void inflight_remove(const char *job_id);
/* Whether the job is in flight here (claimed by this gasd and not yet ended): 0 no; 1 by
 * another message (a copy of its request); 2 by this very message, received again (its
 * visibility ran out while the job runs): then receipt, the newest, replaces the one the
 * renewals use. */
int inflight_seen(const char *job_id, const char *msg_id, const char *receipt);
void inflight_renew_due(struct worker *w);
void inflight_release_all(struct worker *w);

/* The directory of job work directories: work_dir, else <data_dir>/work (local) or
 * /tmp/gas-work (the caller's). */
char *pipe_work_base(const struct cfg *cfg, const char *backend_name);
/* At start: removes the scratch of processes that are gone, and scratch older than
 * scratch_max_age (worker/scratch.c). */
void scratch_clean(struct worker *w);

/* One reconciler pass (worker/reconcile.c): the work of jobs past their deadline in
 * RUNNING, ARCHIVING or RESTORING is sent again; returns how many. */
int reconcile_pass(struct worker *w);
/* Refuses config combinations that cannot work (the rule broken, in the message). */
int worker_config_check(const struct cfg *cfg);

/* The workers table: register, heartbeat, and the final state. */
int registry_start(struct worker *w);
void registry_beat(struct worker *w, const char *status);
/* Reads which other workers are lost (no heartbeat for WORKER_LOST_BEATS of their
 * intervals): their RUNNING jobs may be taken over before their leases pass (gasd's main
 * loop, after each heartbeat); how many were not lost at the last reading. */
int registry_refresh_lost(struct worker *w);
/* 1 if worker_id was lost at the last refresh (*age: seconds since its heartbeat). */
int registry_is_lost(const char *worker_id, double *age);
/* One pass over the RUNNING jobs of lost workers (worker/reconcile.c): each not resent
 * since its claim gets its request sent again, to be taken over; returns how many. */
int reconcile_lost(struct worker *w);
/* What is wrong with this gasd that an admin should know without reading its log (the
 * annotation sources changed and cannot be loaded): recorded in its workers item as
 * "problem" from the next heartbeat (gas workers, gas status, the console); NULL: none. */
void registry_problem(const char *why);

/* Prometheus metrics (worker/metrics.c): serve /metrics on addr ([HOST:]PORT, loopback
 * when HOST is left out; "" = off) until metrics_stop; counters the pipelines add to. */
int metrics_start(struct worker *w, const char *addr);
void metrics_stop(void);
void metrics_retry(int pipeline);
void metrics_dead(int pipeline);
void metrics_job_done(double latency_s, int64_t records, double annot_s);
void metrics_job_failed(void);
/* Jobs this gasd ended COMPLETED and FAILED so far (the CloudWatch job counters). */
void metrics_jobs_ended(long long *completed, long long *failed);
void metrics_receive_error(int pipeline);
void metrics_heartbeat(int ok); /* a heartbeat written (1) or not (0) */

/* CloudWatch autoscaling signals (worker/scaling.c): on the aws backend, a thread puts the
 * backlog per live worker and this worker's jobs per minute every cloudwatch_interval. */
int scaling_start(struct worker *w);
void scaling_stop(void);

/* Logging context and the pipeline index of the calling thread. */
int pipeline_index(const char *name);

#endif
