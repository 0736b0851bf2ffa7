/* annotate: PENDING -> RUNNING (claim with worker_id and lease) -> fetch input -> annotate
 * -> upload result and count log -> COMPLETED -> publish the result -> ack.
 *
 * A RUNNING job whose lease has expired (its worker died) is taken over. While the engine
 * runs, a keeper thread renews the lease and the message's visibility every third of the
 * lease, so that a long job is neither taken over nor redelivered. Bad input ends the job
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

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int annotate_thread_init(struct pipe_ctx *ctx)
{
    struct annot_catalog *c = NULL;
    int rc = annot_catalog_load(cfg_str(ctx->cfg, CFG_ANNOT_SOURCES),
                                cfg_str(ctx->cfg, CFG_ANNOT_SOURCES_DIR), &c);
    /* every build's sources opened and checked: a broken one stops gasd at start */
    for (int b = -1; !rc && b < ANNOT_NBUILDS; b++) {
        const struct annot_sources *s = annot_catalog_get(c, b);
        if (s && (b < 0 || s != annot_catalog_get(c, -1)))
            rc = annot_sources_check(s);
    }
    if (rc) { /* the pipeline does not start: nothing calls annotate_thread_done */
        annot_catalog_free(c);
        c = NULL;
    }
    ctx->local = c;
    return rc;
}

void annotate_thread_done(struct pipe_ctx *ctx)
{
    annot_catalog_free(ctx->local);
}

struct keeper {
    struct pipe_ctx *ctx;
    const char *job_id;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    pthread_t th;
};

static void *keeper_main(void *arg)
{
    struct keeper *k = arg;
    int lease = (int)cfg_int(k->ctx->cfg, CFG_JOB_LEASE);
    pthread_mutex_lock(&k->mu);
    while (!k->done) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += lease / 3 > 0 ? lease / 3 : 1;
        pthread_cond_timedwait(&k->cv, &k->mu, &until);
        if (k->done)
            break;
        pthread_mutex_unlock(&k->mu);
        struct tbl_update u;
        tbl_update_init(&u);
        tbl_update_if_str(&u, "job_status", TBL_EQ, "RUNNING");
        tbl_update_if_str(&u, "worker_id", TBL_EQ, k->ctx->worker_id);
        tbl_update_set_int(&u, "lease_until", gas_now_s() + lease);
        if (tbl_update(k->ctx->app->jobs, k->job_id, &u, NULL))
            log_warn("annotate", "lease renewal failed: %s", gas_errmsg());
        tbl_update_release(&u);
        if (queue_extend(k->ctx->q, k->ctx->msg->receipt, lease))
            log_warn("annotate", "visibility renewal failed: %s", gas_errmsg());
        pthread_mutex_lock(&k->mu);
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

/* Claims the job: PENDING, or RUNNING with an expired lease (or our own). */
static int claim(struct pipe_ctx *ctx, const struct job *job)
{
    int64_t now = gas_now_s();
    struct tbl_update u;
    tbl_update_init(&u);
    int rc = job_update_status(&u, job->job_status, JOB_RUNNING);
    if (!rc && job->job_status == JOB_RUNNING &&
        strcmp(job->worker_id ? job->worker_id : "", ctx->worker_id))
        tbl_update_if_int(&u, "lease_until", TBL_LT, now);
    tbl_update_if_int(&u, "attempts", job->attempts ? TBL_EQ : TBL_NE, job->attempts);
    tbl_update_set_str(&u, "worker_id", ctx->worker_id);
    tbl_update_set_int(&u, "lease_until", now + cfg_int(ctx->cfg, CFG_JOB_LEASE));
    tbl_update_set_int(&u, "attempts", job->attempts + 1);
    if (!rc)
        rc = tbl_update(ctx->app->jobs, job->job_id, &u, NULL);
    tbl_update_release(&u);
    return rc;
}

/* Moves our RUNNING job to `to` with the changes in u (which gets the conditions). */
static int finish(struct pipe_ctx *ctx, const char *job_id, enum job_status to,
                  struct tbl_update *u)
{
    job_update_status(u, JOB_RUNNING, to);
    tbl_update_if_str(u, "worker_id", TBL_EQ, ctx->worker_id);
    tbl_update_remove(u, "lease_until");
    int rc = tbl_update(ctx->app->jobs, job_id, u, NULL);
    tbl_update_release(u);
    return rc;
}

static enum pipe_result fail_job(struct pipe_ctx *ctx, const char *job_id, const char *why)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_set_str(&u, "error", why);
    int rc = finish(ctx, job_id, JOB_FAILED, &u);
    if (rc && gas_err_class(rc) != GAS_CLASS_CONFLICT)
        return PIPE_RETRY;
    log_warn("annotate", "job FAILED: %s", why);
    return PIPE_ACK;
}

static enum pipe_result release(struct pipe_ctx *ctx, const char *job_id, const char *why)
{
    log_warn("annotate", "job released for a retry: %s", why);
    struct tbl_update u;
    tbl_update_init(&u);
    finish(ctx, job_id, JOB_PENDING, &u);
    return PIPE_RETRY;
}

static void rm_dir(const char *dir)
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
    rmdir(dir);
}

static char *work_dir(struct pipe_ctx *ctx, const char *job_id)
{
    const char *base = cfg_str(ctx->cfg, CFG_WORK_DIR);
    char *def = NULL;
    if (!*base)
        base = def = !strcmp(ctx->app->be->name, "local")
                         ? xasprintf("%s/work", cfg_str(ctx->cfg, CFG_DATA_DIR))
                         : xstrdup("/tmp/gas-work");
    char *dir = xasprintf("%s/%s.%s", base, job_id, ctx->worker_id);
    free(def);
    return dir;
}

/* Runs the engine with the keeper renewing lease and visibility. */
static int run_engine(struct pipe_ctx *ctx, const struct job *job, const char *in, const char *out,
                      struct annot_stats *st)
{
    struct keeper k = {.ctx = ctx, .job_id = job->job_id};
    pthread_mutex_init(&k.mu, NULL);
    pthread_cond_init(&k.cv, NULL);
    int started = pthread_create(&k.th, NULL, keeper_main, &k) == 0;
    struct annot_opts o = {.in = in,
                           .out = out,
                           .threads = (int)cfg_int(ctx->cfg, CFG_ANNOT_THREADS),
                           .max_line = (size_t)cfg_int(ctx->cfg, CFG_MAX_LINE_BYTES),
                           .catalog = ctx->local,
                           .build =
                               job->genome_build && *job->genome_build ? job->genome_build : NULL,
                           .build_origin = "job setting",
                           .default_build = cfg_str(ctx->cfg, CFG_DEFAULT_BUILD)};
    int rc = annot_run(&o, st);
    pthread_mutex_lock(&k.mu);
    k.done = 1;
    pthread_cond_signal(&k.cv);
    pthread_mutex_unlock(&k.mu);
    if (started)
        pthread_join(k.th, NULL);
    pthread_mutex_destroy(&k.mu);
    pthread_cond_destroy(&k.cv);
    return rc;
}

/* What gas show (and the console) say about the build: annotation_build, and
 * annotation_note when the records were not annotated or the count log has warnings. */
static void set_build_note(struct tbl_update *u, const struct annot_stats *st)
{
    tbl_update_set_str(u, "annotation_build", st->build);
    char note[1024];
    if (!st->annotated)
        snprintf(note, sizeof note, "not annotated: %s is %s; %s", st->build, st->build_how,
                 st->not_annotated_why);
    else if (st->nwarnings)
        snprintf(note, sizeof note, "%s, %s; %d warning%s in the count log (gas log): %s",
                 st->build, st->build_how, st->nwarnings, st->nwarnings == 1 ? "" : "s",
                 st->warnings[0]);
    else
        snprintf(note, sizeof note, "%s, %s", st->build, st->build_how);
    tbl_update_set_str(u, "annotation_note", note);
}

/* Fetch, annotate, upload, COMPLETED. The job is claimed by us. */
static enum pipe_result work(struct pipe_ctx *ctx, struct job *job)
{
    struct gas_app *app = ctx->app;
    const struct cfg *cfg = ctx->cfg;
    enum pipe_result r = PIPE_ACK;
    char *dir = work_dir(ctx, job->job_id), *res_name = job_result_name(job->input_file_name);
    char *log_name = job_log_name(job->input_file_name);
    char *in = xasprintf("%s/input", dir), *out = xasprintf("%s/%s", dir, res_name);
    char *logp = xasprintf("%s/%s", dir, log_name), *jlogp = xasprintf("%s.json", logp);
    const char *prefix = cfg_str(cfg, CFG_KEY_PREFIX), *rb = cfg_str(cfg, CFG_RESULTS_BUCKET);
    char *rkey = job_object_key(prefix, job->user_id, job->job_id, res_name);
    char *lkey = job_object_key(prefix, job->user_id, job->job_id, log_name);
    char *jlkey = lkey ? xasprintf("%s.json", lkey) : NULL;
    struct annot_stats *st = xcalloc(1, sizeof *st);
    struct obj_info info;
    int rc;
    if (!rkey || !lkey) {
        r = fail_job(ctx, job->job_id,
                     "user_id, job_id or input file name is not usable in "
                     "an object key");
        goto out;
    }
    if ((rc = gas_mkdirs(dir, 0700)) != 0) {
        r = release(ctx, job->job_id, gas_errmsg());
        goto out;
    }
    rc = objs_head(app->be->objs, job->s3_inputs_bucket, job->s3_key_input_file, &info);
    if (!rc && info.size > cfg_int(cfg, CFG_MAX_INPUT_BYTES)) {
        char why[128];
        snprintf(why, sizeof why, "input of %lld bytes is over the %lld byte limit",
                 (long long)info.size, (long long)cfg_int(cfg, CFG_MAX_INPUT_BYTES));
        r = fail_job(ctx, job->job_id, why);
        goto out;
    }
    if (!rc)
        rc = objs_get_file(app->be->objs, job->s3_inputs_bucket, job->s3_key_input_file, in);
    if (rc) {
        r = gas_err_class(rc) == GAS_CLASS_RETRYABLE ? release(ctx, job->job_id, gas_errmsg())
                                                     : fail_job(ctx, job->job_id, gas_errmsg());
        goto out;
    }
    fault_point("annotate.before_run");
    inflight_add(job->job_id, ctx->q, ctx->msg->receipt);
    fault_point("annotate.running");
    rc = run_engine(ctx, job, in, out, st);
    if (!rc)
        rc = annot_write_count_log(st, job->input_file_name, logp);
    if (!rc)
        rc = annot_write_count_log_json(st, job->input_file_name, jlogp);
    inflight_remove(job->job_id);
    if (rc) {
        char why[1024];
        snprintf(why, sizeof why, "%s", gas_errmsg());
        r = gas_err_class(rc) == GAS_CLASS_BAD_INPUT ? fail_job(ctx, job->job_id, why)
                                                     : release(ctx, job->job_id, why);
        goto out;
    }
    rc = objs_put_file(app->be->objs, rb, rkey, out);
    if (!rc)
        rc = objs_put_file(app->be->objs, rb, jlkey, jlogp); /* gas log --json */
    if (!rc)
        rc = objs_put_file(app->be->objs, rb, lkey, logp);
    if (rc) {
        r = release(ctx, job->job_id, gas_errmsg());
        goto out;
    }
    fault_point("annotate.after_upload");
    struct tbl_update u;
    tbl_update_init(&u);
    job->complete_time = gas_now_s();
    tbl_update_set_str(&u, "s3_results_bucket", rb);
    tbl_update_set_str(&u, "s3_key_result_file", rkey);
    tbl_update_set_str(&u, "s3_key_log_file", lkey);
    tbl_update_set_int(&u, "complete_time", job->complete_time);
    tbl_update_remove(&u, "error");
    set_build_note(&u, st);
    rc = finish(ctx, job->job_id, JOB_COMPLETED, &u);
    if (rc == GAS_ECONFLICT) { /* our lease was lost: the worker that took over finishes */
        log_warn("annotate", "job was taken over by another worker; leaving it to them");
        goto out;
    }
    if (rc) {
        r = PIPE_RETRY;
        goto out;
    }
    log_info("annotate", "job COMPLETED: %lld records, %lld known (%.3f s)", (long long)st->records,
             (long long)st->known, st->seconds);
    fault_point("annotate.before_publish");
    free(job->s3_key_result_file);
    job->s3_key_result_file = xstrdup(rkey);
    char *body = msg_result(job);
    if (app_publish(app, app->results, body)) {
        log_warn("annotate", "%s (the message will publish again)", gas_errmsg());
        r = PIPE_RETRY;
    }
    free(body);
out:
    rm_dir(dir);
    free(st);
    free(dir);
    free(res_name);
    free(log_name);
    free(in);
    free(out);
    free(logp);
    free(jlogp);
    free(rkey);
    free(lkey);
    free(jlkey);
    return r;
}

enum pipe_result pipe_annotate(struct pipe_ctx *ctx, const cJSON *body)
{
    struct job job;
    enum pipe_result r = PIPE_ACK;
    int rc = pipe_load_job(ctx, body, &job, &r);
    if (rc)
        return r;
    const char *job_id = job.job_id;
    switch (job.job_status) {
    case JOB_FAILED: break; /* a duplicate of a request already handled */
    case JOB_COMPLETED: {
        char *res = msg_result(&job); /* the first publish may have been lost */
        if (app_publish(ctx->app, ctx->app->results, res))
            r = PIPE_RETRY;
        free(res);
        break;
    }
    case JOB_RUNNING:
    case JOB_PENDING:
        if (job.job_status == JOB_RUNNING && job.lease_until >= gas_now_s() &&
            strcmp(job.worker_id ? job.worker_id : "", ctx->worker_id)) {
            r = PIPE_RETRY; /* another live worker has it */
            break;
        }
        if (!job.s3_inputs_bucket || !job.s3_key_input_file || !job.input_file_name) {
            job.attempts++;
            r = claim(ctx, &job) ? PIPE_RETRY : fail_job(ctx, job_id, "job item has no input file");
            break;
        }
        if ((rc = claim(ctx, &job)) != 0) {
            r = PIPE_RETRY; /* someone else moved it on: look again later */
            break;
        }
        job.attempts++;
        if (job.attempts > cfg_int(ctx->cfg, CFG_MAX_ATTEMPTS)) {
            char why[256];
            snprintf(why, sizeof why, "gave up after %lld attempts%s%s",
                     (long long)job.attempts - 1, job.error ? ": " : "",
                     job.error ? job.error : "");
            r = fail_job(ctx, job_id, why);
            break;
        }
        r = work(ctx, &job);
        break;
    }
    job_release(&job);
    return r;
}
