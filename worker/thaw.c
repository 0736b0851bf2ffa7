/* thaw: a retrieval is ready. Put the data back at the result's original key, then
 * archive_state NONE (restore_time set, results_file_archive_id, retrieval_id and
 * retrieval_tier dropped), then delete the cold copy (cold_delete_after_thaw). The archive
 * id to delete is parked in cold_cleanup_id by the same update that drops it, so a crash
 * before the delete is finished on redelivery. A retrieval not ready yet is checked again
 * thaw_poll_interval later by a fresh delayed message (which does not count towards the
 * dead-letter limit); a failed one sends the job back to ARCHIVED. */
#include "worker.h"

#include "gas/err.h"
#include "gas/fault.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

static enum pipe_result cleanup(struct pipe_ctx *ctx, const char *job_id, const char *aid)
{
    int rc = cold_delete(ctx->app->be->cold, aid);
    if (rc && rc != GAS_ENOTFOUND) {
        log_warn("thaw", "cold copy not deleted yet: %s", gas_errmsg());
        return PIPE_RETRY;
    }
    job_cleanup_done(ctx->app->jobs, job_id, aid);
    return PIPE_ACK;
}

static enum pipe_result poll_later(struct pipe_ctx *ctx, const struct job *job)
{
    /* polling: the reconciler need not resend before the next poll */
    job_restore_poll(ctx->app->jobs, job->job_id, job->retrieval_id,
                     gas_now_s() + 2 * cfg_int(ctx->cfg, CFG_THAW_POLL_INTERVAL) +
                         cfg_int(ctx->cfg, CFG_JOB_LEASE));
    char *body = msg_thaw(job->job_id, job->retrieval_id);
    int rc = queue_send(ctx->q, body, (int)cfg_int(ctx->cfg, CFG_THAW_POLL_INTERVAL), NULL);
    free(body);
    return rc ? PIPE_RETRY : PIPE_ACK;
}

static enum pipe_result back_to_archived(struct pipe_ctx *ctx, const struct job *job)
{
    int rc = job_restore_failed(ctx->app->jobs, job->job_id, job->retrieval_id);
    log_warn("thaw", "retrieval %s failed: job back to ARCHIVED", job->retrieval_id);
    return rc && rc != GAS_ECONFLICT ? PIPE_RETRY : PIPE_ACK;
}

/* What the retrieval's status says to do when it is not ready (or not fetched). */
static enum pipe_result not_ready(struct pipe_ctx *ctx, const struct job *job, int rc,
                                  enum cold_status st)
{
    if (rc == GAS_ENOTFOUND || (!rc && st == COLD_FAILED))
        return back_to_archived(ctx, job);
    if (rc)
        return PIPE_RETRY;
    return st == COLD_IN_PROGRESS ? poll_later(ctx, job) : PIPE_RETRY;
}

/* A completion notice: the retrieval is ready, so fetch at once (the fetch checks it
 * itself: one status request, not two); only a refused fetch asks for the status, to
 * tell a retrieval still running from one that failed. Our own polls ask for the status
 * first, as most of them find the retrieval still running. */
static enum pipe_result thaw_job(struct pipe_ctx *ctx, struct job *job, int notice)
{
    struct gas_backend *be = ctx->app->be;
    enum cold_status st = COLD_READY;
    int rc = notice ? 0 : cold_status(be->cold, job->retrieval_id, &st);
    if (rc || st != COLD_READY)
        return not_ready(ctx, job, rc, st);
    rc = cold_fetch(be->cold, job->retrieval_id, job->s3_results_bucket, job->s3_key_result_file);
    if (rc == GAS_ENOTREADY || (rc == GAS_ENOTFOUND && notice)) {
        rc = cold_status(be->cold, job->retrieval_id, &st);
        return not_ready(ctx, job, rc, st);
    }
    if (rc) {
        log_warn("thaw", "%s", gas_errmsg());
        return PIPE_RETRY;
    }
    fault_point("thaw.after_fetch");
    int del = cfg_bool(ctx->cfg, CFG_COLD_DELETE_AFTER_THAW);
    rc = job_thawed(ctx->app->jobs, job, del);
    if (rc == GAS_ECONFLICT)
        return PIPE_ACK; /* another worker thawed it */
    if (rc)
        return PIPE_RETRY;
    log_info("thaw", "result restored to %s/%s", job->s3_results_bucket, job->s3_key_result_file);
    fault_point("thaw.before_cold_delete");
    return del ? cleanup(ctx, job->job_id, job->results_file_archive_id) : PIPE_ACK;
}

enum pipe_result pipe_thaw(struct pipe_ctx *ctx, const cJSON *body)
{
    char *job_id = NULL, *rid = NULL;
    int t = msg_thaw_target(body, &job_id, &rid);
    if (t == MSG_IGNORE) {
        log_info("thaw", "S3 test event: notifications reach the thaw queue");
        return PIPE_ACK;
    }
    if (t)
        return PIPE_DEAD;
    log_ctx_job(job_id);
    struct job job;
    int rc = app_job_get(ctx->app, job_id, &job);
    enum pipe_result r = PIPE_ACK;
    if (rc) {
        r = pipe_result_of(rc);
        goto out;
    }
    if (job.archive_state == ARCH_NONE) { /* thawed already; finish a cleanup a crash left */
        if (job.cold_cleanup_id)
            r = cleanup(ctx, job_id, job.cold_cleanup_id);
        goto out;
    }
    if (job.archive_state != ARCH_RESTORING || !job.retrieval_id ||
        (rid && strcmp(rid, job.retrieval_id)))
        goto out; /* a stale notice */
    if (!job.s3_results_bucket || !job.s3_key_result_file || !job.results_file_archive_id) {
        gas_err_set(GAS_EINVAL, "job %s is RESTORING without result keys or archive id", job_id);
        r = PIPE_DEAD;
        goto out;
    }
    r = thaw_job(ctx, &job, json_str(body, "job_id") == NULL);
out:
    job_release(&job);
    free(job_id);
    free(rid);
    return r;
}
