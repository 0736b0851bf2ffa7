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

/* Starts the retrieval of one ARCHIVED job and records it: claimed first (so that of two
 * workers handling two upgrades of one user at once, one asks for it; Glacier charges
 * each), then asked for, then recorded. 0 started, 1 not (another worker has it, or it
 * moved on), <0 error (the claim given back: ARCHIVED again, the message retried). */
static int restore_job(struct pipe_ctx *ctx, const struct job *job)
{
    struct cold *cold = ctx->app->be->cold;
    char *rid = NULL, uuid[40];
    gas_uuid4(uuid);
    char *claim = xasprintf(JOB_CLAIM_PREFIX "%s", uuid);
    enum cold_tier tier = COLD_EXPEDITED;
    const char *thaw_topic = ctx->app->thaw->name;
    int rc = job_restore_claim(ctx->app->jobs, job, claim,
                               gas_now_s() + cfg_int(ctx->cfg, CFG_JOB_LEASE));
    if (rc == GAS_ECONFLICT) {
        log_info("restore",
                 "job %s is no longer ARCHIVED (being restored by another worker?): "
                 "left to it",
                 job->job_id);
        free(claim);
        return 1;
    }
    if (rc) {
        free(claim);
        return gas_err_wrap(rc, "job %s: claim the restore", job->job_id);
    }
    rc = cold_retrieve(cold, job->results_file_archive_id, tier, job->job_id, thaw_topic, &rid);
    if (rc == GAS_ECAPACITY) {
        log_info("restore", "Expedited refused (%s): falling back to Standard", gas_errmsg());
        tier = COLD_STANDARD;
        rc = cold_retrieve(cold, job->results_file_archive_id, tier, job->job_id, thaw_topic, &rid);
    }
    if (rc) {
        char *why = xstrdup(gas_errmsg());
        job_restore_failed(ctx->app->jobs, job->job_id, claim); /* ARCHIVED again */
        gas_err_set(rc, "job %s: start retrieval: %s", job->job_id, why);
        free(why);
        free(claim);
        return rc;
    }
    fault_point("restore.after_retrieve");
    rc = job_restore_started(ctx->app->jobs, job->job_id, claim, rid, cold_tier_name(tier),
                             restore_deadline(ctx, tier));
    if (rc == GAS_ECONFLICT) {
        log_warn("restore", "job %s moved on meanwhile: retrieval %.16s... not recorded",
                 job->job_id, rid);
        rc = 1;
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
    free(claim);
    return rc;
}

/* A job RESTORING under a claim (no retrieval recorded yet: restore_job is between its
 * steps, on this worker or another). The seconds its claim has left (> 0: leave it, and
 * look again then); 0 when it is past its deadline: its worker died before recording a
 * retrieval, and the claim is given back (ARCHIVED again) for this worker to take. */
static int is_claim(const struct job *job)
{
    return job->archive_state == ARCH_RESTORING && job->retrieval_id &&
           !strncmp(job->retrieval_id, JOB_CLAIM_PREFIX, strlen(JOB_CLAIM_PREFIX));
}

static int64_t claim_left(struct pipe_ctx *ctx, struct job *job, int64_t watch_until)
{
    int64_t left = watch_until - gas_now_s();
    if (left > 0)
        return left;
    int rc = job_restore_failed(ctx->app->jobs, job->job_id, job->retrieval_id);
    if (rc)
        return rc == GAS_ECONFLICT ? 1 : -1; /* moved on meanwhile: look again */
    log_warn("restore",
             "job %s: its restore was claimed %lld s ago and no retrieval recorded (its worker "
             "died?): taken over",
             job->job_id, (long long)(gas_now_s() - watch_until));
    job->archive_state = ARCH_ARCHIVED;
    return 0;
}

/* One of the user's jobs: its archived result asked back (an item gasd cannot read is
 * counted, never skipped silently). */
struct restore_walk {
    struct pipe_ctx *ctx;
    const char *user_id;
    int failures, started, others, unreadable;
    int64_t defer; /* a claim of another worker's has this long left: look again then */
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
    if (is_claim(&job)) {
        int64_t until = 0;
        json_int(item, TBL_WATCH_UNTIL, &until);
        int64_t left = claim_left(rw->ctx, &job, until);
        if (left < 0) {
            log_warn("restore", "%s", gas_errmsg());
            rw->failures++;
        } else if (left > 0) {
            rw->others++;
            rw->defer = left + 1 > rw->defer ? left + 1 : rw->defer;
        }
    }
    if (job.archive_state == ARCH_ARCHIVED && job.results_file_archive_id) {
        int rc = adopt_legacy(rw->ctx, item, job.job_id);
        if (!rc)
            rc = restore_job(rw->ctx, &job);
        if (rc < 0) {
            log_warn("restore", "%s", gas_errmsg());
            rw->failures++;
        } else {
            rw->started += rc == 0;
            rw->others += rc == 1;
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
    int taken = 0; /* a dead worker's claim, given back: this worker restores it */
    if (is_claim(job)) {
        struct job cur;
        int64_t until = 0;
        int rc = app_job_read(ctx->app, job->job_id, &cur, &until);
        if (rc)
            return pipe_result_of(rc);
        int64_t left = is_claim(&cur) ? claim_left(ctx, &cur, until) : 1; /* moved: look again */
        job_release(&cur);
        if (left < 0)
            return pipe_result_of(gas_err_last());
        if (left > 0) {
            ctx->defer_s = left >= QUEUE_MAX_VISIBILITY ? QUEUE_MAX_VISIBILITY : (int)left + 1;
            return PIPE_DEFER;
        }
        taken = 1;
    }
    if (!taken && job->archive_state == ARCH_RESTORING) {
        log_info("restore", "job %s is being restored already (retrieval %.16s...)", job->job_id,
                 job->retrieval_id ? job->retrieval_id : "-");
        return PIPE_ACK;
    }
    if ((!taken && job->archive_state != ARCH_ARCHIVED) || !job->results_file_archive_id) {
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
    if (rc < 0) {
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
    struct restore_walk rw = {ctx, user_id, 0, 0, 0, 0, 0};
    if (app_jobs_each(ctx->app, user_id, restore_item, &rw))
        return PIPE_RETRY;
    log_info("restore",
             "user %s: %d retrievals started, %d left to another worker, %d failed, %d items "
             "unreadable",
             user_id, rw.started, rw.others, rw.failures, rw.unreadable);
    if (!rw.failures && rw.defer > 0) { /* claims in progress: this message looks again */
        ctx->defer_s = rw.defer > QUEUE_MAX_VISIBILITY ? QUEUE_MAX_VISIBILITY : (int)rw.defer;
        return PIPE_DEFER;
    }
    return rw.failures ? PIPE_RETRY : PIPE_ACK;
}
