/* annotate: PENDING -> RUNNING (claim with worker_id and lease) -> fetch input -> annotate
 * -> upload result and count log -> COMPLETED -> publish the result -> ack.
 *
 * A RUNNING job whose lease has expired (its worker died) is taken over. While the job is
 * in flight, gasd's main loop renews its lease and the message's visibility every third
 * of the lease (inflight_renew_due), so that a long job is neither taken over nor
 * redelivered. Bad input ends the job
 * FAILED with the engine's message; a passing failure puts the job back to PENDING and
 * leaves the message to be retried. A redelivered message of a COMPLETED job publishes
 * the result again (the first publish may have been lost in a crash). */
#include "worker.h"

#include "gas/annot.h"
#include "gas/err.h"
#include "gas/fault.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"
#include "gas/workers.h"

#include <dirent.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An annotated job whose outputs wait in its slot of the thread's work directory for the
 * end of the batch, to be stored and COMPLETED with the others (finish_held). */
struct held_job {
    struct job job;           /* taken over from the runner */
    struct queue_msg *msg;    /* its message: in the runner's batch, or msg_own */
    struct queue_msg msg_own; /* taken over when the batch goes to the committer */
    char *dir, *out, *logp, *jlogp, *rkey, *lkey, *jlkey;
    struct annot_stats *st;
};

/* A job admitted to the batch by its message: claimed with the batch's others, then
 * annotated (claim_all). */
struct admitted {
    struct job job; /* taken over from the runner */
    struct queue_msg *msg;
};

/* The annotated jobs of one batch, to be stored, COMPLETED and published together. */
struct held_set {
    struct held_job *h[BATCH_MAX];
    int n;
};

/* The thread that makes an annotate thread's batches durable (stores the outputs,
 * COMPLETEs the jobs and syncs, publishes, deletes the requests: commit_set) while the
 * annotate thread annotates its next batch: the file system's and the WAL's syncs no
 * longer stop the annotation. One batch at a time: the annotate thread hands the next
 * over once the last is done, so at most two batches are in flight (their scratch slots
 * alternate: annot_thread.half). Its own queue handle (the runner's is not shared). */
struct committer {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct held_set set; /* handed over (has_set), then being committed (busy) */
    int has_set, busy, stop;
    struct pipe_ctx ctx;
};

/* An annotate thread's state (ctx->local). */
struct annot_thread {
    struct shared_sources *shared; /* the sources it annotates with (refresh_sources) */
    int gen;                       /* their generation */
    struct admitted adm[BATCH_MAX];
    int nadm;
    struct held_set cur;  /* this batch's annotated jobs */
    int half;             /* its scratch slots: half * BATCH_MAX + i */
    struct committer *cm; /* NULL: this thread commits its batches itself */
};

static char *work_dir(struct pipe_ctx *ctx);

/* When the job was submitted, to the millisecond: submit_time is whole seconds (the GAS
 * item's contract), so the request's send time is used when it was sent in that second
 * (the submission's own message, not a retry's later one). */
/* When the job was submitted, to the millisecond where it can be known: the item's
 * submit_time is whole seconds (the contract), the request's send time is just after the
 * item was written. The submission is in [sub, sub + 1) and not after the send, so the
 * earlier of the send and the second's end; a send before the second (another machine's
 * clock) says nothing. (Falling back to the second's start when the send was in the next
 * second counted up to a second more than the job took.) */
static double submitted_at(const struct held_job *h)
{
    double sent = h->msg->sent_at, sub = (double)h->job.submit_time;
    if (sent < sub)
        return sub;
    return sent < sub + 1 ? sent : sub + 1;
}
static void empty_dir(const char *dir);

/* One build's sources checked on a thread of its own: loading a gene model is most of a
 * check, and the builds' load side by side (gasd's start, before the first job). */
struct check {
    const struct annot_sources *s;
    pthread_t th;
    int started, rc;
    char msg[512];
};

static void *check_main(void *arg)
{
    struct check *k = arg;
    k->rc = annot_sources_check(k->s);
    if (k->rc)
        snprintf(k->msg, sizeof k->msg, "%s", gas_errmsg());
    return NULL;
}

/* The catalog of sources, every build's opened and checked. */
static int load_sources(const struct cfg *cfg, struct annot_catalog **out)
{
    struct annot_catalog *c = NULL;
    int rc = annot_catalog_load(cfg_str(cfg, CFG_ANNOT_SOURCES),
                                cfg_str(cfg, CFG_ANNOT_SOURCES_DIR), &c);
    struct check k[ANNOT_NBUILDS + 1];
    int nk = 0;
    for (int b = -1; !rc && b < ANNOT_NBUILDS; b++) {
        const struct annot_sources *s = annot_catalog_get(c, b);
        if (s && (b < 0 || s != annot_catalog_get(c, -1))) {
            k[nk] = (struct check){.s = s};
            k[nk].started = pthread_create(&k[nk].th, NULL, check_main, &k[nk]) == 0;
            if (!k[nk].started) /* no thread: here */
                check_main(&k[nk]);
            nk++;
        }
    }
    for (int i = 0; i < nk; i++) {
        if (k[i].started)
            pthread_join(k[i].th, NULL);
        if (k[i].rc && !rc)
            rc = gas_err_set(k[i].rc, "%s", k[i].msg);
    }
    if (rc) {
        annot_catalog_free(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

static int sources_start(const struct cfg *cfg, struct annot_thread *t);
static struct committer *committer_start(const struct pipe_ctx *ctx);
static void committer_stop(struct committer *cm);

/* A broken source stops gasd at start (the pipeline does not start: nothing calls
 * annotate_thread_done, and gasd exits 1). */
int annotate_thread_init(struct pipe_ctx *ctx)
{
    struct annot_thread *t = xcalloc(1, sizeof *t);
    int rc = sources_start(ctx->cfg, t);
    if (rc) {
        free(t);
        return rc;
    }
    ctx->local = t;
    t->cm = committer_start(ctx);
    return 0;
}

/* Sources files edited or replaced while gasd runs are taken at the next job once they
 * have been left alone for a second (a file being written is not read half-written). One
 * decision for the whole gasd: the first thread to see the change loads the files; if
 * they load, the sources' generation goes up and every thread loads them before its next
 * job; if not (a bad line, a missing file) the reason is logged once and every thread
 * keeps the sources it has, until the files change again. */
#define SOURCES_SETTLE_S 1.0
/* The sources loaded last, shared by the threads that take them over (refs); their files
 * as last decided on are what annot_catalog_changed compares. */
struct shared_sources {
    struct annot_catalog *cat;
    int refs;
};
static pthread_mutex_t sources_lock = PTHREAD_MUTEX_INITIALIZER;
static struct shared_sources *sources_now;
static int sources_gen;

static void shared_release(struct shared_sources *s) /* under sources_lock */
{
    if (s && --s->refs == 0) {
        annot_catalog_free(s->cat);
        free(s);
    }
}

/* The sources every annotate thread starts with: loaded (and checked) by the first. */
static int sources_start(const struct cfg *cfg, struct annot_thread *t)
{
    int rc = 0;
    pthread_mutex_lock(&sources_lock);
    if (!sources_now) {
        struct annot_catalog *c = NULL;
        rc = load_sources(cfg, &c);
        if (!rc) {
            sources_now = xcalloc(1, sizeof *sources_now);
            sources_now->cat = c;
            sources_now->refs = 1;
        }
    }
    if (!rc) {
        sources_now->refs++;
        t->shared = sources_now;
        t->gen = sources_gen;
    }
    pthread_mutex_unlock(&sources_lock);
    return rc;
}

/* The decision, under sources_lock: load the changed files once for the whole gasd. */
static void sources_decide(const struct cfg *cfg)
{
    if (!annot_catalog_changed(sources_now->cat, SOURCES_SETTLE_S))
        return;
    struct annot_catalog *c = NULL;
    if (load_sources(cfg, &c)) {
        char why[WORKER_PROBLEM_MAX];
        snprintf(why, sizeof why,
                 "annotation sources changed but cannot be loaded (%s); still using the ones "
                 "loaded before",
                 gas_errmsg());
        log_warn("annotate", "%s", why);
        registry_problem(why);
        annot_catalog_rewatch(sources_now->cat);
        return;
    }
    registry_problem(NULL);
    shared_release(sources_now);
    sources_now = xcalloc(1, sizeof *sources_now);
    sources_now->cat = c;
    sources_now->refs = 1;
    sources_gen++;
    log_info("annotate", "annotation sources changed: loaded again");
}

static void refresh_sources(struct pipe_ctx *ctx)
{
    struct annot_thread *t = ctx->local;
    pthread_mutex_lock(&sources_lock);
    sources_decide(ctx->cfg);
    if (sources_now && t->gen != sources_gen) { /* take the new ones over */
        sources_now->refs++;
        shared_release(t->shared);
        t->shared = sources_now;
        t->gen = sources_gen;
    }
    pthread_mutex_unlock(&sources_lock);
}

/* The sources this thread annotates with now. */
static const struct annot_catalog *sources_of(const struct annot_thread *t)
{
    return t->shared->cat;
}

void annotate_thread_done(struct pipe_ctx *ctx)
{
    struct annot_thread *t = ctx->local;
    committer_stop(t->cm); /* what it has is committed first */
    pthread_mutex_lock(&sources_lock);
    shared_release(t->shared);
    pthread_mutex_unlock(&sources_lock);
    free(t);
    ctx->local = NULL;
    char *dir = work_dir(ctx);
    for (int i = 0; i < 2 * BATCH_MAX; i++) { /* both halves (annot_thread.half) */
        char *slot = xasprintf("%s/%d", dir, i);
        empty_dir(slot);
        rmdir(slot);
        free(slot);
    }
    rmdir(dir);
    free(dir);
}

/* Claims the job: PENDING, or RUNNING with an expired lease (or our own). Lazily (not
 * synced on its own): a claim undone by a power loss leaves the job PENDING with its
 * message, to be claimed again; job_complete's sync makes it durable with it. */
/* Whether another worker holds the job: RUNNING under its lease, not yet passed. */
static int leased_elsewhere(const struct pipe_ctx *ctx, const struct job *job)
{
    return job->job_status == JOB_RUNNING && job->lease_until >= gas_now_s() &&
           strcmp(job->worker_id ? job->worker_id : "", ctx->worker_id);
}

static int claim(struct pipe_ctx *ctx, const struct job *job)
{
    int64_t lease = cfg_int(ctx->cfg, CFG_JOB_LEASE);
    double age = 0;
    int from_lost = leased_elsewhere(ctx, job) && registry_is_lost(job->worker_id, &age);
    backend_lazy(1);
    int rc = from_lost ? job_take_over(ctx->app->jobs, job, ctx->worker_id, lease)
                       : job_claim(ctx->app->jobs, job, ctx->worker_id, lease);
    backend_lazy(0);
    if (from_lost && !rc)
        log_warn("annotate",
                 "job taken over from worker %s, which is lost (no heartbeat for %.0f s; its "
                 "lease had %lld s left)",
                 job->worker_id, age, (long long)(job->lease_until - gas_now_s()));
    return rc;
}

/* Whether another live worker holds the job (RUNNING under its lease): not ours to take.
 * A lost worker's (registry_is_lost) is taken over without waiting for its lease. */
static int held_elsewhere(const struct pipe_ctx *ctx, const struct job *job)
{
    return leased_elsewhere(ctx, job) && !registry_is_lost(job->worker_id, NULL);
}

/* The user told that their job failed: a notice straight on the notify queue (not the
 * results topic: there is no result to archive), which emails them the reason. Best
 * effort: the job is FAILED whether or not the notice goes (gas show, the console). */
static void notify_failed(struct pipe_ctx *ctx, const char *job_id)
{
    struct queue *q = NULL;
    char *body = msg_failed(
        job_id, ctx->job && !strcmp(ctx->job->job_id, job_id) ? ctx->job->user_id : NULL);
    if (app_queue(ctx->app, CFG_NOTIFY_QUEUE, &q) || queue_send(q, body, 0, NULL))
        log_warn("annotate", "the user is not told by email that the job failed: %s", gas_errmsg());
    queue_close(q);
    free(body);
}

static enum pipe_result fail_job(struct pipe_ctx *ctx, const char *job_id, const char *why)
{
    int rc = job_fail(ctx->app->jobs, job_id, ctx->worker_id, why);
    if (rc && gas_err_class(rc) != GAS_CLASS_CONFLICT)
        return PIPE_RETRY;
    if (!rc)
        metrics_job_failed();
    log_warn("annotate", "job FAILED: %s", why);
    if (!rc)
        notify_failed(ctx, job_id);
    return rc ? PIPE_ACK : PIPE_FAILED; /* ours counts among this worker's failures */
}

/* Back to PENDING for another attempt; the cause is kept in `error`, so that the job
 * shows why it is being retried and the final "gave up" names it. On its request's last
 * receive (queue_max_receives at or below max_attempts) there is no other attempt: the
 * job is FAILED now, rather than left PENDING with its request dead-lettered. */
static enum pipe_result release(struct pipe_ctx *ctx, const struct job *job, const char *why)
{
    int max_receives = (int)cfg_int(ctx->cfg, CFG_QUEUE_MAX_RECEIVES);
    if (atomic_load(&ctx->w->stopping)) { /* SIGTERM cut it short: not a failed attempt */
        log_warn("annotate", "job released at shutdown: %s", why);
        job_requeue(ctx->app->jobs, job->job_id, ctx->worker_id, NULL, job->attempts - 1);
    } else if (ctx->msg && ctx->msg->receive_count >= max_receives) {
        char gave_up[1200];
        snprintf(gave_up, sizeof gave_up,
                 "gave up after %lld attempts (its request's last receive, %d of "
                 "queue_max_receives): %s",
                 (long long)job->attempts, max_receives, why);
        return fail_job(ctx, job->job_id, gave_up);
    } else {
        log_warn("annotate", "job released for a retry: %s", why);
        job_requeue(ctx->app->jobs, job->job_id, ctx->worker_id, why, -1);
    }
    return PIPE_RETRY;
}

/* The one decision on a failure (rc, with its message), by its class: what can never
 * work for this job (bad input, a missing input, a key that cannot be stored) fails it
 * at once; a passing failure, or one of this worker's own (credentials, config), releases
 * it for another attempt. Both keep the message as the job's cause. */
static enum pipe_result failed_why(struct pipe_ctx *ctx, const struct job *job, int rc,
                                   const char *why)
{
    enum gas_err_class c = gas_err_class(rc);
    int permanent = c == GAS_CLASS_BAD_INPUT || c == GAS_CLASS_NOT_FOUND || c == GAS_CLASS_CONFLICT;
    return permanent ? fail_job(ctx, job->job_id, why) : release(ctx, job, why);
}

static enum pipe_result failed(struct pipe_ctx *ctx, const struct job *job, int rc)
{
    char why[1024];
    snprintf(why, sizeof why, "%s", gas_errmsg());
    return failed_why(ctx, job, rc, why);
}

/* Removes the files a job left in its work directory (the directory stays for the next). */
static void empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
}

char *pipe_work_base(const struct cfg *cfg, const char *backend_name)
{
    const char *base = cfg_str(cfg, CFG_WORK_DIR);
    if (*base)
        return xstrdup(base);
    return !strcmp(backend_name, "local") ? xasprintf("%s/work", cfg_str(cfg, CFG_DATA_DIR))
                                          : xstrdup("/tmp/gas-work");
}

/* "<base>/annotate-<thread>.<worker>", one per annotate thread, with a slot directory
 * per job of a batch ("<n>", emptied when the job ends), removed when the thread ends (no
 * directory made and removed per job: costly on a busy file system); a starting gasd
 * removes it once its worker is gone. */
static char *work_dir(struct pipe_ctx *ctx)
{
    char *base = pipe_work_base(ctx->cfg, ctx->app->be->name);
    char *dir = xasprintf("%s/annotate-%ld.%s", base, (long)gettid(), ctx->worker_id);
    free(base);
    return dir;
}

/* Runs the engine (gasd's main loop renews the lease and visibility meanwhile: the job
 * is in flight). */
static int run_engine(struct pipe_ctx *ctx, const struct job *job, const char *in, const char *out,
                      struct annot_stats *st)
{
    struct annot_opts o = {.in = in,
                           .out = out,
                           .out_fresh = 1, /* its scratch slot */
                           .threads = (int)cfg_int(ctx->cfg, CFG_ANNOT_THREADS),
                           .max_line = (size_t)cfg_int(ctx->cfg, CFG_MAX_LINE_BYTES),
                           .max_expanded = cfg_int(ctx->cfg, CFG_MAX_INPUT_EXPANDED_BYTES),
                           .min_free = cfg_int(ctx->cfg, CFG_MIN_FREE_BYTES),
                           .catalog = sources_of(ctx->local),
                           .build =
                               job->genome_build && *job->genome_build ? job->genome_build : NULL,
                           .build_origin = "job setting",
                           .default_build = cfg_str(ctx->cfg, CFG_DEFAULT_BUILD)};
    return annot_run(&o, st);
}

/* What gas show (and the console) say about the build: annotation_build, and
 * annotation_note when the records were not annotated or the count log has warnings. */
static void build_note(const struct annot_stats *st, char *note, size_t n)
{
    if (!st->annotated && !strcmp(st->build, ANNOT_NOT_HUMAN))
        snprintf(note, n, "not annotated: %s", st->not_annotated_why);
    else if (!st->annotated)
        snprintf(note, n, "not annotated: %s is %s; %s", st->build, st->build_how,
                 st->not_annotated_why);
    else if (st->nwarnings)
        snprintf(note, n, "%s, %s; %d warning%s " NOTE_FIRST_WARNING "%s", st->build, st->build_how,
                 st->nwarnings, st->nwarnings == 1 ? "" : "s", st->warnings[0]);
    else
        snprintf(note, n, "%s, %s", st->build, st->build_how);
}

/* The last error's message with every mention of path replaced by name. */
static void err_renamed(int rc, const char *path, const char *name)
{
    const char *msg = gas_errmsg(), *at;
    size_t pl = strlen(path);
    if (!pl || !strstr(msg, path))
        return;
    char out[1024];
    size_t l = 0;
    for (const char *p = msg; *p && l < sizeof out - 1;) {
        if ((at = strstr(p, path)) == NULL)
            at = p + strlen(p);
        l += (size_t)snprintf(out + l, sizeof out - l, "%.*s%s", (int)(at - p), p, *at ? name : "");
        p = *at ? at + pl : at;
    }
    gas_err_set(rc, "%s", out);
}

static void held_free(struct held_job *h)
{
    job_release(&h->job);
    free(h->dir);
    free(h->out);
    free(h->logp);
    free(h->jlogp);
    free(h->rkey);
    free(h->lkey);
    free(h->jlkey);
    free(h->st);
    queue_msg_release(&h->msg_own);
    free(h);
}

/* Fetch and annotate into a slot of the thread's work directory; the job is claimed by
 * us. PIPE_HELD: annotated, kept (t->held) to be stored and COMPLETED at the batch's end;
 * anything else: the job's end now (failed, released). */
static enum pipe_result work(struct pipe_ctx *ctx, struct job *job)
{
    struct gas_app *app = ctx->app;
    const struct cfg *cfg = ctx->cfg;
    struct annot_thread *t = ctx->local;
    enum pipe_result r = PIPE_HELD;
    struct held_job *h = xcalloc(1, sizeof *h);
    char *base = work_dir(ctx);
    h->dir = xasprintf("%s/%d", base, t->half * BATCH_MAX + t->cur.n);
    free(base);
    char *res_name = job_result_name(job->input_file_name);
    char *log_name = job_log_name(job->input_file_name), *in = xasprintf("%s/input", h->dir);
    h->out = xasprintf("%s/%s", h->dir, res_name);
    h->logp = xasprintf("%s/%s", h->dir, log_name);
    h->jlogp = xasprintf("%s.json", h->logp);
    const char *prefix = cfg_str(cfg, CFG_KEY_PREFIX);
    h->rkey = job_object_key(prefix, job->user_id, job->job_id, res_name);
    h->lkey = job_object_key(prefix, job->user_id, job->job_id, log_name);
    h->jlkey = h->lkey ? xasprintf("%s.json", h->lkey) : NULL;
    h->st = xmalloc(sizeof *h->st); /* 400 KB, mostly a contig table nothing reads */
    annot_stats_init(h->st);
    struct obj_info info;
    int rc;
    free(res_name);
    free(log_name);
    if (!h->rkey || !h->lkey) {
        r = fail_job(ctx, job->job_id,
                     "user_id, job_id or input file name is not usable in "
                     "an object key");
        goto out;
    }
    if ((rc = gas_mkdirs(h->dir, 0700)) != 0) {
        r = failed(ctx, job, rc);
        goto out;
    }
    /* read in place where the backend keeps the object as a file (local: its size from the
     * file, no head), else fetched */
    char *local = objs_local_path(app->be->objs, job->s3_inputs_bucket, job->s3_key_input_file);
    struct stat lsb;
    if (local && stat(local, &lsb) == 0) {
        rc = 0;
        info.size = lsb.st_size;
    } else {
        free(local);
        local = NULL;
        rc = objs_head(app->be->objs, job->s3_inputs_bucket, job->s3_key_input_file, &info);
    }
    if (!rc && info.size > cfg_int(cfg, CFG_MAX_INPUT_BYTES)) {
        free(local);
        char why[128];
        snprintf(why, sizeof why, "input of %lld bytes is over the %lld byte limit",
                 (long long)info.size, (long long)cfg_int(cfg, CFG_MAX_INPUT_BYTES));
        r = fail_job(ctx, job->job_id, why);
        goto out;
    }
    fault_point("annotate.fetch");
    if (local) {
        free(in);
        in = local;
    } else if (!rc) {
        rc = objs_get_file(app->be->objs, job->s3_inputs_bucket, job->s3_key_input_file, in);
    }
    if (rc == GAS_ENOTFOUND) /* say it as the user would: their file is gone */
        gas_err_wrap(rc, "the input file %s is missing from storage (deleted?)",
                     job->input_file_name ? job->input_file_name : job->s3_key_input_file);
    if (rc) {
        r = failed(ctx, job, rc);
        goto out;
    }
    fault_point("annotate.before_run");
    fault_point("annotate.running");
    refresh_sources(ctx);
    rc = run_engine(ctx, job, in, h->out, h->st);
    if (rc) /* the user's file name, not where this worker keeps it */
        err_renamed(rc, in, job->input_file_name);
    if (!rc)
        rc = annot_write_count_log(h->st, job->input_file_name, h->logp, 1);
    if (!rc)
        rc = annot_write_count_log_json(h->st, job->input_file_name, h->jlogp, 1);
    if (rc)
        r = failed(ctx, job, rc);
out:
    free(in);
    if (r != PIPE_HELD) {
        empty_dir(h->dir);
        held_free(h);
        return r;
    }
    h->job = *job; /* ours now: the runner releases an empty one */
    memset(job, 0, sizeof *job);
    h->msg = ctx->msg;
    t->cur.h[t->cur.n++] = h;
    return r;
}

/* The held jobs' COMPLETED, as one group of writes (lazily: backend_sync makes them
 * durable); r[i] says what becomes of each message, ok[i] if it is COMPLETED now. */
static void complete_all(struct pipe_ctx *ctx, struct held_set *t, enum pipe_result *r, int *ok)
{
    const char *rb = cfg_str(ctx->cfg, CFG_RESULTS_BUCKET);
    struct gas_backend *be = ctx->app->be;
    backend_lazy(1);
    int grouped = backend_group_begin(be) == 0;
    for (int i = 0; i < t->n; i++) {
        struct held_job *h = t->h[i];
        log_ctx_job(h->job.job_id);
        h->job.complete_time = gas_now_s();
        char note[1024];
        build_note(h->st, note, sizeof note);
        struct job_result res = {rb, h->rkey, h->lkey, h->job.complete_time, h->st->build, note};
        int rc = job_complete(ctx->app->jobs, h->job.job_id, ctx->worker_id, &res);
        if (rc == GAS_ECONFLICT) /* our lease was lost: the worker that took over finishes */
            log_warn("annotate", "job was taken over by another worker; leaving it to them");
        r[i] = rc && rc != GAS_ECONFLICT ? PIPE_RETRY : PIPE_ACK;
        ok[i] = !rc;
    }
    log_ctx_job(NULL);
    fault_point("annotate.completing"); /* crash tests: the group's writes not committed */
    if (grouped && backend_group_end(be)) {
        log_warn("annotate", "completing %d jobs: %s (they will be retried)", t->n, gas_errmsg());
        for (int i = 0; i < t->n; i++)
            if (ok[i])
                ok[i] = 0, r[i] = PIPE_RETRY;
    }
    backend_lazy(0);
}

/* Each COMPLETED job's result published, as one group of writes (lazily: a publish undone
 * by a power loss is undone with the later delete of its request, which comes back and
 * publishes again); one that is not goes back to its message's retry. */
static void publish_all(struct pipe_ctx *ctx, struct held_set *t, enum pipe_result *r,
                        const int *ok)
{
    struct gas_backend *be = ctx->app->be;
    int n = 0;
    for (int i = 0; i < t->n; i++)
        n += ok[i];
    if (!n)
        return;
    fault_point("annotate.before_publish");
    backend_lazy(1);
    int grouped = backend_group_begin(be) == 0;
    for (int i = 0; i < t->n; i++) {
        struct held_job *h = t->h[i];
        if (!ok[i])
            continue;
        log_ctx_job(h->job.job_id);
        free(h->job.s3_key_result_file);
        h->job.s3_key_result_file = xstrdup(h->rkey);
        char *body = msg_result(&h->job);
        if (app_publish(ctx->app, ctx->app->results, body)) {
            log_warn("annotate", "%s (the message will publish again)", gas_errmsg());
            r[i] = PIPE_RETRY;
        }
        free(body);
    }
    log_ctx_job(NULL);
    if (grouped && backend_group_end(be)) {
        log_warn("annotate", "publishing %d results: %s (the messages will publish again)", n,
                 gas_errmsg());
        for (int i = 0; i < t->n; i++)
            if (ok[i])
                r[i] = PIPE_RETRY;
    }
    backend_lazy(0);
}

/* A claimed job (attempts as they were): given up after too many attempts, or annotated
 * into the batch's held jobs (PIPE_HELD). */
static enum pipe_result run_claimed(struct pipe_ctx *ctx, struct job *job)
{
    const char *job_id = job->job_id;
    /* ours from here: released (job PENDING, message visible) if gasd stops first */
    job->attempts++;
    inflight_add(job_id, ctx->msg->id, ctx->q, ctx->msg->receipt, job->attempts);
    enum pipe_result r;
    if (atomic_load(&ctx->w->stopping)) {
        r = release(ctx, job, "gasd is stopping");
    } else if (job->attempts > cfg_int(ctx->cfg, CFG_MAX_ATTEMPTS)) {
        char why[1200];
        snprintf(why, sizeof why, "gave up after %lld attempts: %s", (long long)job->attempts - 1,
                 job->error ? job->error
                            : "none ended (each time the worker running it stopped "
                              "mid-job: killed, crashed or lost; gas workers)");
        r = fail_job(ctx, job_id, why);
    } else {
        r = work(ctx, job); /* PIPE_HELD: in flight until the batch's end */
    }
    if (r != PIPE_HELD)
        inflight_remove(job_id);
    return r;
}

/* The batch's admitted jobs claimed as one group of writes (lazily, like each claim:
 * job_complete's sync makes a claim durable with it), instead of a transaction each;
 * then each claimed one annotated in turn, and each not claimed (another worker moved it
 * on) left to its message's retry. */
static void claim_all(struct pipe_ctx *ctx, struct annot_thread *t, struct batch *b)
{
    int n = t->nadm, rc[BATCH_MAX];
    if (!n)
        return;
    backend_lazy(1);
    int grouped = n > 1 && backend_group_begin(ctx->app->be) == 0;
    for (int i = 0; i < n; i++) {
        log_ctx_job(t->adm[i].job.job_id);
        rc[i] = claim(ctx, &t->adm[i].job);
    }
    log_ctx_job(NULL);
    if (grouped && backend_group_end(ctx->app->be)) {
        log_warn("annotate", "claiming %d jobs: %s (they will be retried)", n, gas_errmsg());
        for (int i = 0; i < n; i++)
            rc[i] = rc[i] ? rc[i] : GAS_EIO;
    }
    backend_lazy(0);
    for (int i = 0; i < n; i++) {
        struct admitted *a = &t->adm[i];
        struct queue_msg *was = ctx->msg;
        ctx->msg = a->msg;
        log_ctx_job(a->job.job_id);
        enum pipe_result r = rc[i] ? PIPE_RETRY : run_claimed(ctx, &a->job);
        ctx->msg = was;
        if (r != PIPE_HELD) /* held: settled with the batch's stores below */
            runner_settle(ctx, b, a->msg, r);
        job_release(&a->job);
    }
    log_ctx_job(NULL);
    t->nadm = 0;
}

/* A batch's held jobs made durable and ended: every result, count log and JSON stored
 * at once (the local backend syncs them together: two syncs of the file system for the
 * whole batch, when there are several), then each COMPLETED and the lot made durable
 * with one sync, then each result published, then each message settled (into b). The
 * COMPLETEDs are one group of writes (one transaction on the local backend), and the
 * publishes another. The jobs stay in the set (set_free): their messages' receipts are
 * in b until its acknowledgements are sent. */
static void commit_set(struct pipe_ctx *ctx, struct batch *b, struct held_set *t)
{
    int n = t->n, ok[BATCH_MAX] = {0};
    enum pipe_result r[BATCH_MAX];
    const char *keys[3 * BATCH_MAX], *files[3 * BATCH_MAX];
    if (!n)
        return;
    for (int i = 0; i < n; i++) { /* jlkey: gas log --json */
        struct held_job *h = t->h[i];
        keys[3 * i] = h->rkey, keys[3 * i + 1] = h->jlkey, keys[3 * i + 2] = h->lkey;
        files[3 * i] = h->out, files[3 * i + 1] = h->jlogp, files[3 * i + 2] = h->logp;
    }
    log_ctx_job(n == 1 ? t->h[0]->job.job_id : NULL);
    if (n > 1)
        log_info("annotate", "batch: storing and completing %d jobs together", n);
    fault_point("annotate.upload");
    const char *rb = cfg_str(ctx->cfg, CFG_RESULTS_BUCKET);
    int rc = objs_put_files(ctx->app->be->objs, rb, 3 * n, keys, files, 1); /* moved */
    if (rc) {
        char why[1024];
        snprintf(why, sizeof why, "%s", gas_errmsg());
        for (int i = 0; i < n; i++) {
            log_ctx_job(t->h[i]->job.job_id);
            ctx->msg = t->h[i]->msg; /* its receives: is this its last? */
            r[i] = failed_why(ctx, &t->h[i]->job, rc, why);
            ctx->msg = NULL;
        }
    } else {
        fault_point("annotate.after_upload");
        complete_all(ctx, t, r, ok);
        if (backend_sync(ctx->app->be)) /* not known durable: the messages come back */
            for (int i = 0; i < n; i++)
                if (ok[i])
                    ok[i] = 0, r[i] = PIPE_RETRY;
    }
    for (int i = 0; i < n; i++) {
        struct held_job *h = t->h[i];
        if (!ok[i])
            continue;
        log_ctx_job(h->job.job_id); /* measured before the log line says it (its time) */
        metrics_job_done(gas_now() - submitted_at(h), h->st->records, h->st->seconds);
        log_info("annotate", "job COMPLETED: %lld records, %lld known (%.3f s)",
                 (long long)h->st->records, (long long)h->st->known, h->st->seconds);
    }
    publish_all(ctx, t, r, ok);
    for (int i = 0; i < n; i++) {
        struct held_job *h = t->h[i];
        log_ctx_job(h->job.job_id);
        empty_dir(h->dir);
        inflight_remove(h->job.job_id);
        runner_settle(ctx, b, h->msg, r[i]);
    }
    log_ctx_job(NULL);
}

static void set_free(struct held_set *t)
{
    for (int i = 0; i < t->n; i++)
        held_free(t->h[i]);
    t->n = 0;
}

static void *committer_main(void *arg)
{
    struct committer *cm = arg;
    log_ctx_queue(cfg_str(cm->ctx.cfg, CFG_REQUESTS_QUEUE));
    pthread_mutex_lock(&cm->mu);
    for (;;) {
        while (!cm->has_set && !cm->stop)
            pthread_cond_wait(&cm->cv, &cm->mu);
        if (!cm->has_set) /* stopping, and all handed over is done */
            break;
        struct held_set set = cm->set;
        cm->has_set = 0;
        cm->busy = 1;
        pthread_mutex_unlock(&cm->mu);
        struct batch *b = runner_batch_new(cm->ctx.p);
        commit_set(&cm->ctx, b, &set);
        runner_batch_end(&cm->ctx, b);
        set_free(&set);
        pthread_mutex_lock(&cm->mu);
        cm->busy = 0;
        pthread_cond_broadcast(&cm->cv);
    }
    pthread_mutex_unlock(&cm->mu);
    log_ctx_queue(NULL);
    return NULL;
}

/* The committer of an annotate thread, started; NULL (the thread commits its batches
 * itself) where it cannot be. */
static struct committer *committer_start(const struct pipe_ctx *ctx)
{
    struct committer *cm = xcalloc(1, sizeof *cm);
    cm->ctx = *ctx;
    cm->ctx.local = NULL;
    cm->ctx.msg = NULL;
    cm->ctx.job = NULL;
    cm->ctx.q = NULL;
    pthread_mutex_init(&cm->mu, NULL);
    pthread_cond_init(&cm->cv, NULL);
    if (app_queue(ctx->app, CFG_REQUESTS_QUEUE, &cm->ctx.q) ||
        pthread_create(&cm->th, NULL, committer_main, cm)) {
        log_warn("annotate", "no committer thread (%s): batches are committed in turn",
                 gas_err_last() ? gas_errmsg() : "cannot start a thread");
        queue_close(cm->ctx.q);
        pthread_mutex_destroy(&cm->mu);
        pthread_cond_destroy(&cm->cv);
        free(cm);
        return NULL;
    }
    return cm;
}

/* Waits for what was handed over to be done, then stops the thread. */
static void committer_stop(struct committer *cm)
{
    if (!cm)
        return;
    pthread_mutex_lock(&cm->mu);
    cm->stop = 1;
    pthread_cond_broadcast(&cm->cv);
    pthread_mutex_unlock(&cm->mu);
    pthread_join(cm->th, NULL);
    queue_close(cm->ctx.q);
    pthread_mutex_destroy(&cm->mu);
    pthread_cond_destroy(&cm->cv);
    free(cm);
}

/* The end of a batch: its admitted jobs claimed and annotated (claim_all), then the
 * annotated ones handed to the committer, once it is done with the last batch (or
 * committed here, without one). */
void annotate_batch_end(struct pipe_ctx *ctx, struct batch *b)
{
    struct annot_thread *t = ctx->local;
    claim_all(ctx, t, b);
    if (!t->cur.n)
        return;
    if (!t->cm) { /* the messages stay the runner's: acknowledged after this */
        commit_set(ctx, b, &t->cur);
        set_free(&t->cur);
        return;
    }
    for (int i = 0; i < t->cur.n; i++) { /* the runner's batch ends before this one */
        struct held_job *h = t->cur.h[i];
        h->msg_own = *h->msg;
        memset(h->msg, 0, sizeof *h->msg);
        h->msg = &h->msg_own;
    }
    pthread_mutex_lock(&t->cm->mu);
    while (t->cm->has_set || t->cm->busy) /* its slots are the next batch's */
        pthread_cond_wait(&t->cm->cv, &t->cm->mu);
    t->cm->set = t->cur;
    t->cm->has_set = 1;
    pthread_cond_broadcast(&t->cm->cv);
    pthread_mutex_unlock(&t->cm->mu);
    t->cur.n = 0;
    t->half = !t->half;
}

enum pipe_result pipe_annotate(struct pipe_ctx *ctx, const cJSON *body)
{
    (void)body;
    struct job *job = ctx->job; /* loaded by the runner (pipeline table) */
    enum pipe_result r = PIPE_ACK;
    const char *job_id = job->job_id;
    switch (job->job_status) {
    case JOB_FAILED: /* a duplicate of a request already handled, or one left by a cancel */
        log_info("annotate", "message %s: its job is FAILED (%.160s): nothing to do", ctx->msg->id,
                 job->error ? job->error : "no error recorded");
        break;
    case JOB_COMPLETED: {
        if (job->notify_time) /* notified: its result was published (no copy to add) */
            break;
        char *res = msg_result(job); /* the first publish may have been lost */
        if (app_publish(ctx->app, ctx->app->results, res))
            r = PIPE_RETRY;
        free(res);
        break;
    }
    case JOB_RUNNING:
    case JOB_PENDING: {
        int seen = job->job_status == JOB_RUNNING && job->worker_id &&
                           !strcmp(job->worker_id, ctx->worker_id)
                       ? inflight_seen(job_id, ctx->msg->id, ctx->msg->receipt)
                       : 0;
        if (seen == 1) {
            /* another copy of its request (the reconciler's resend) while this gasd runs
             * it: not a second attempt; the message in hand settles the job */
            log_info("annotate",
                     "message %s: a copy of the request of a job running here: done "
                     "with",
                     ctx->msg->id);
            break;
        }
        if (seen == 2) {
            /* the very message being handled, back because its visibility ran out (a queue
             * made with a shorter one than queue_visibility): hidden again, never deleted
             * here (its handler does, once the job has ended) */
            int64_t every = cfg_int(ctx->cfg, CFG_JOB_LEASE) / 3;
            ctx->defer_s = every > 0 ? (int)every : 1;
            log_info("annotate", "message %s came back while its job runs here: hidden again",
                     ctx->msg->id);
            r = PIPE_DEFER;
            break;
        }
        if (held_elsewhere(ctx, job)) {
            r = PIPE_RETRY; /* another live worker has it */
            char until[32];
            gas_iso8601(job->lease_until, until, sizeof until);
            gas_err_set(GAS_EBUSY, "job is RUNNING on worker %s (lease until %s, in %lld s)",
                        job->worker_id ? job->worker_id : "?", until,
                        (long long)(job->lease_until - gas_now_s()));
            break;
        }
        if (!job->s3_inputs_bucket || !job->s3_key_input_file || !job->input_file_name) {
            /* claimed first (the claim checks the attempts it saw), then failed */
            r = claim(ctx, job) ? PIPE_RETRY : fail_job(ctx, job_id, "job item has no input file");
            break;
        }
        struct annot_thread *t = ctx->local;
        for (int i = 0; i < t->nadm; i++)
            if (!strcmp(t->adm[i].job.job_id, job_id)) {
                /* another copy of its request in this batch: not a second attempt */
                log_info("annotate",
                         "message %s: a copy of the request of a job in this batch: done with",
                         ctx->msg->id);
                return PIPE_ACK;
            }
        /* admitted: claimed with the batch's others, then annotated (claim_all) */
        t->adm[t->nadm].job = *job; /* ours now: the runner releases an empty one */
        memset(job, 0, sizeof *job);
        t->adm[t->nadm++].msg = ctx->msg;
        r = PIPE_HELD;
        break;
    }
    }
    return r;
}
