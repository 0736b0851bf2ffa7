/* restore: a user upgraded. For each of their ARCHIVED jobs, start a retrieval with tier
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

enum pipe_result pipe_restore(struct pipe_ctx *ctx, const cJSON *body)
{
    const char *user_id = json_str(body, "user_id");
    if (!user_id || !*user_id) {
        gas_err_set(GAS_EINVAL, "restore message has no user_id");
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
