/* restore: a user upgraded ({user_id}: gas upgrade, the web app's upgrade). For each of
 * their ARCHIVED jobs, or the one job a web app's per-job request names ({job_id, ...}: on
 * the restore queue, or on the thaw queue where a course deployment's thaw_script reads
 * it), start a retrieval with tier
 * Expedited, falling back to Standard when the cold store refuses for lack of capacity,
 * and record it: RESTORING with retrieval_id and retrieval_tier. The completion notice
 * goes to the thaw topic; a delayed {job_id, retrieval_id} message on the thaw queue is
 * the polling fallback should a notice be lost. Items written by GAS's Python code carry
 * only results_file_archive_id: they are adopted as ARCHIVED first. */
#include "worker.h"

#include "gas/err.h"
#include "gas/fault.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

/* A legacy item (no archive_state, an archive id): mark it ARCHIVED. */
static int adopt_legacy(struct pipe_ctx *ctx, const cJSON *item, const char *job_id)
{
    if (cJSON_GetObjectItemCaseSensitive(item, job_attr(JF_archive_state)))
        return 0;
    int rc = job_adopt_archived(ctx->app->jobs, job_id);
    return rc == GAS_ECONFLICT ? 0 : rc;
}

/* When a retrieval of this tier should be ready, at the latest: the local store's
 * configured delay, or AWS's published bounds (Expedited minutes, Standard up to 12 h for
 * Deep Archive, Bulk 48 h); then the thaw pipeline's poll, then the reconciler. */
static int64_t restore_deadline(struct pipe_ctx *ctx, enum cold_tier tier)
{
    static const int64_t aws_bound[] = {
        [COLD_EXPEDITED] = 900, [COLD_STANDARD] = 12 * 3600, [COLD_BULK] = 48 * 3600};
    static const enum cfg_key local_delay[] = {[COLD_EXPEDITED] = CFG_COLD_EXPEDITED_DELAY,
                                               [COLD_STANDARD] = CFG_COLD_STANDARD_DELAY,
                                               [COLD_BULK] = CFG_COLD_BULK_DELAY};
    int64_t ready = !strcmp(ctx->app->be->name, "local") ? cfg_int(ctx->cfg, local_delay[tier])
                                                         : aws_bound[tier];
    return gas_now_s() + ready + 2 * cfg_int(ctx->cfg, CFG_THAW_POLL_INTERVAL) +
           cfg_int(ctx->cfg, CFG_JOB_LEASE);
}

/* Starts the retrieval of one ARCHIVED job and records it. */
static int restore_job(struct pipe_ctx *ctx, const struct job *job)
{
    struct cold *cold = ctx->app->be->cold;
    char *rid = NULL;
    enum cold_tier tier = COLD_EXPEDITED;
    const char *thaw_topic = ctx->app->thaw->name;
    int rc = cold_retrieve(cold, job->results_file_archive_id, tier, job->job_id, thaw_topic, &rid);
    if (rc == GAS_ECAPACITY) {
        log_info("restore", "Expedited refused (%s): falling back to Standard", gas_errmsg());
        tier = COLD_STANDARD;
        rc = cold_retrieve(cold, job->results_file_archive_id, tier, job->job_id, thaw_topic, &rid);
    }
    if (rc)
        return gas_err_wrap(rc, "job %s: start retrieval", job->job_id);
    fault_point("restore.after_retrieve");
    rc = job_restore_start(ctx->app->jobs, job, rid, cold_tier_name(tier),
                           restore_deadline(ctx, tier));
    if (rc == GAS_ECONFLICT) {
        log_info("restore", "job %s moved on meanwhile", job->job_id);
        rc = 0;
    } else if (!rc) {
        log_info("restore", "job %s RESTORING (%s, retrieval %.16s...)", job->job_id,
                 cold_tier_name(tier), rid);
        struct queue *tq = NULL;
        char *poll = msg_thaw(job->job_id, rid);
        int delay = (int)cfg_int(ctx->cfg, CFG_THAW_POLL_INTERVAL);
        if (app_queue(ctx->app, CFG_THAW_QUEUE, &tq) == 0)
            queue_send(tq, poll, delay, NULL); /* best effort: the notice is the main path */
        queue_close(tq);
        free(poll);
    }
    free(rid);
    return rc;
}

/* One of the user's jobs: its archived result asked back (an item gasd cannot read is
 * counted, never skipped silently). */
struct restore_walk {
    struct pipe_ctx *ctx;
    const char *user_id;
    int failures, started, unreadable;
};

static int restore_item(const cJSON *item, void *arg)
{
    struct restore_walk *rw = arg;
    struct job job;
    if (job_from_json(item, &job)) {
        log_warn("restore", "user %s: an item gasd cannot read (%s): not restored", rw->user_id,
                 gas_errmsg());
        rw->unreadable++;
        return 0;
    }
    if (job.archive_state == ARCH_ARCHIVED && job.results_file_archive_id) {
        if (adopt_legacy(rw->ctx, item, job.job_id) || restore_job(rw->ctx, &job)) {
            log_warn("restore", "%s", gas_errmsg());
            rw->failures++;
        } else {
            rw->started++;
        }
    }
    job_release(&job);
    return 0;
}

enum pipe_result restore_request(struct pipe_ctx *ctx, const struct job *job, const char *user_id)
{
    if (user_id && *user_id && strcmp(user_id, job->user_id)) {
        gas_err_set(GAS_EINVAL, "restore request for job %s names user %.64s; the job is %s's",
                    job->job_id, user_id, job->user_id);
        return PIPE_DEAD;
    }
    if (job->archive_state == ARCH_RESTORING) {
        log_info("restore", "job %s is being restored already (retrieval %.16s...)", job->job_id,
                 job->retrieval_id ? job->retrieval_id : "-");
        return PIPE_ACK;
    }
    if (job->archive_state != ARCH_ARCHIVED || !job->results_file_archive_id) {
        log_info("restore", "job %s is %s/%s: nothing to restore", job->job_id,
                 job_status_name(job->job_status), archive_state_name(job->archive_state));
        return PIPE_ACK;
    }
    struct user u;
    int rc = app_user_get(ctx->app, job->user_id, &u);
    if (rc) {
        log_warn("restore", "role of %s unknown: %s", job->user_id, gas_errmsg());
        return pipe_result_of_user(ctx, rc);
    }
    enum user_role role = u.role;
    user_release(&u);
    if (role != ROLE_PREMIUM) { /* kept in view: the web app and gasd disagree on the role */
        gas_err_set(GAS_EINVAL,
                    "restore request for job %s: user %s is not premium in gasd's user source "
                    "(%s); redrive it once they are",
                    job->job_id, job->user_id, cfg_str(ctx->cfg, CFG_USER_SOURCE));
        return PIPE_DEAD;
    }
    rc = job_adopt_archived(ctx->app->jobs, job->job_id); /* an item without archive_state */
    if (rc && rc != GAS_ECONFLICT)
        return pipe_result_of(rc);
    rc = restore_job(ctx, job);
    if (rc) {
        log_warn("restore", "%s", gas_errmsg());
        return pipe_result_of(rc);
    }
    return PIPE_ACK;
}

enum pipe_result pipe_restore(struct pipe_ctx *ctx, const cJSON *body)
{
    const char *user_id = json_str(body, "user_id"), *job_id = json_str(body, "job_id");
    if (job_id && *job_id) { /* a web app's request for one job */
        log_ctx_job(job_id);
        struct job job;
        int rc = app_job_get(ctx->app, job_id, &job);
        if (rc)
            return pipe_result_of(rc);
        enum pipe_result r = restore_request(ctx, &job, user_id);
        job_release(&job);
        return r;
    }
    if (!user_id || !*user_id) {
        gas_err_set(GAS_EINVAL, "restore message has neither a user_id nor a job_id");
        return PIPE_DEAD;
    }
    struct user u;
    int rc = app_user_get(ctx->app, user_id, &u);
    if (rc) {
        log_warn("restore", "role of %s unknown: %s", user_id, gas_errmsg());
        return pipe_result_of_user(ctx, rc);
    }
    enum user_role role = u.role;
    user_release(&u);
    if (role != ROLE_PREMIUM) {
        log_info("restore", "user %s is not premium (any more): nothing to restore", user_id);
        return PIPE_ACK;
    }
    struct restore_walk rw = {ctx, user_id, 0, 0, 0};
    if (app_jobs_each(ctx->app, user_id, restore_item, &rw))
        return PIPE_RETRY;
    log_info("restore", "user %s: %d retrievals started, %d failed, %d items unreadable", user_id,
             rw.started, rw.failures, rw.unreadable);
    return rw.failures ? PIPE_RETRY : PIPE_ACK;
}
