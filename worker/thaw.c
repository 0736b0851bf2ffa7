/* thaw: a retrieval is ready. Put the data back at the result's original key, then
 * archive_state NONE (restore_time set, results_file_archive_id, retrieval_id and
 * retrieval_tier dropped), then delete the cold copy (cold_delete_after_thaw). The archive
 * id to delete is parked in cold_cleanup_id by the same update that drops it, so a crash
 * before the delete is finished on redelivery. A retrieval not ready yet is checked again
 * thaw_poll_interval later by a fresh delayed message (which does not count towards the
 * dead-letter limit); a failed one sends the job back to ARCHIVED. A retrieval started
 * outside gasd (a deployment's restore script) is adopted when the job is ARCHIVED under
 * the archive it names; a notice that matches nothing is dead-lettered with the reason. */
#include "worker.h"

#include "gas/err.h"
#include "gas/fault.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

/* seen: the job's reconciler deadline as read (0: unknown) */
static enum pipe_result poll_later(struct pipe_ctx *ctx, const struct job *job, int64_t seen)
{
    /* polling: the reconciler need not resend before the next poll. The deadline set when
     * the retrieval started (the tier's bound) usually lies beyond that: then it stays,
     * and a poll costs no update (a Standard retrieval is polled for hours) */
    int64_t deadline = gas_now_s() + 2 * cfg_int(ctx->cfg, CFG_THAW_POLL_INTERVAL) +
                       cfg_int(ctx->cfg, CFG_JOB_LEASE);
    if (seen < deadline)
        job_restore_poll(ctx->app->jobs, job->job_id, job->retrieval_id, deadline);
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
                                  enum cold_status st, int64_t seen)
{
    if (rc == GAS_ENOTFOUND || (!rc && st == COLD_FAILED))
        return back_to_archived(ctx, job);
    if (rc)
        return PIPE_RETRY;
    return st == COLD_IN_PROGRESS ? poll_later(ctx, job, seen) : PIPE_RETRY;
}

/* A completion notice: the retrieval is ready, so fetch at once (the fetch checks it
 * itself: one status request, not two); only a refused fetch asks for the status, to
 * tell a retrieval still running from one that failed. Our own polls ask for the status
 * first, as most of them find the retrieval still running. */
static enum pipe_result thaw_job(struct pipe_ctx *ctx, struct job *job, int notice, int64_t seen)
{
    struct gas_backend *be = ctx->app->be;
    enum cold_status st = COLD_READY;
    int rc = notice ? 0 : cold_status(be->cold, job->retrieval_id, &st);
    if (rc || st != COLD_READY)
        return not_ready(ctx, job, rc, st, seen);
    rc = cold_fetch(be->cold, job->retrieval_id, job->s3_results_bucket, job->s3_key_result_file);
    if (rc == GAS_ENOTREADY || (rc == GAS_ENOTFOUND && notice)) {
        rc = cold_status(be->cold, job->retrieval_id, &st);
        return not_ready(ctx, job, rc, st, seen);
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
    return del ? cold_cleanup(ctx, job->job_id, job->results_file_archive_id) : PIPE_ACK;
}

/* A retrieval gasd did not start (a deployment's own restore script): adopted when the
 * job is ARCHIVED under the archive the notice names; the thaw then proceeds. */
static enum pipe_result adopt(struct pipe_ctx *ctx, const cJSON *body, struct job *job,
                              const char *rid)
{
    char *aid = msg_thaw_archive(body);
    int match = aid && job->results_file_archive_id && !strcmp(aid, job->results_file_archive_id);
    if (!match) {
        gas_err_set(GAS_EINVAL,
                    "job %s is ARCHIVED as %.40s, the notice is about archive %.40s: not adopted",
                    job->job_id, job->results_file_archive_id ? job->results_file_archive_id : "-",
                    aid ? aid : "(none named)");
        free(aid);
        return PIPE_DEAD;
    }
    free(aid);
    if (!job->s3_results_bucket || !job->s3_key_result_file) {
        gas_err_set(GAS_EINVAL, "job %s: no result key to restore to (no input_file_name either)",
                    job->job_id);
        return PIPE_DEAD;
    }
    if (!rid)
        rid = job->results_file_archive_id; /* cold_mode s3: the retrieval is the archive */
    const char *tier = json_str(body, "Tier") ? json_str(body, "Tier") : "Standard";
    int rc = job_adopt_archived(ctx->app->jobs, job->job_id); /* an item without archive_state */
    if (rc && rc != GAS_ECONFLICT)
        return pipe_result_of(rc);
    rc = job_restore_start(ctx->app->jobs, job, rid, tier,
                           gas_now_s() + 2 * cfg_int(ctx->cfg, CFG_THAW_POLL_INTERVAL) +
                               cfg_int(ctx->cfg, CFG_JOB_LEASE));
    if (rc == GAS_ECONFLICT)
        return PIPE_RETRY; /* it moved meanwhile: look again */
    if (rc)
        return pipe_result_of(rc);
    log_info("thaw", "retrieval %.24s... started outside gasd adopted: job RESTORING", rid);
    job->archive_state = ARCH_RESTORING;
    free(job->retrieval_id);
    job->retrieval_id = xstrdup(rid);
    return thaw_job(ctx, job, 1, 0); /* a completion notice: fetch at once */
}

/* The job is in no state this notice can move: say why (dead-lettered) or, for a
 * duplicate of work done, log it and let it go. */
static enum pipe_result unmatched(const cJSON *body, const struct job *job, const char *rid)
{
    if (job->archive_state == ARCH_NONE) {
        log_info("thaw", "job already thawed: notice for retrieval %.120s dropped",
                 rid ? rid : "(unnamed)");
        return PIPE_ACK;
    }
    if (job->archive_state == ARCH_RESTORING && job->retrieval_id) {
        /* two restores started at once (an upgrade's and an archive's request): the job
         * comes back through the one it recorded; this retrieval is not needed */
        log_info("thaw", "job is being restored through retrieval %.120s: retrieval %.120s dropped",
                 job->retrieval_id, rid ? rid : "(unnamed)");
        return PIPE_ACK;
    }
    if (json_str(body, "job_id")) { /* our own poll message, superseded */
        log_info("thaw", "poll for retrieval %.120s dropped: the job is %s now", rid ? rid : "-",
                 archive_state_name(job->archive_state));
        return PIPE_ACK;
    }
    gas_err_set(GAS_EINVAL, "job %s is %s/%s%s%s: the notice for retrieval %.120s matches nothing",
                job->job_id, job_status_name(job->job_status),
                archive_state_name(job->archive_state), job->retrieval_id ? " restoring " : "",
                job->retrieval_id ? job->retrieval_id : "", rid ? rid : "(unnamed)");
    return PIPE_DEAD;
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
    int64_t seen = 0;
    int rc = app_job_read(ctx->app, job_id, &job, &seen);
    enum pipe_result r = PIPE_ACK;
    if (rc) {
        r = pipe_result_of(rc);
        goto out;
    }
    if (job.archive_state == ARCH_NONE && job.cold_cleanup_id) { /* finish a crash's cleanup */
        r = cold_cleanup(ctx, job_id, job.cold_cleanup_id);
        goto out;
    }
    if (json_str(body, "job_id") && !rid) { /* not our poll: a web app's restore request */
        log_info("thaw",
                 "a request to restore job %s (not a retrieval): taken as a restore request",
                 job_id);
        r = restore_request(ctx, &job, json_str(body, "user_id"));
        goto out;
    }
    if (job.job_status == JOB_COMPLETED && job.archive_state == ARCH_ARCHIVED &&
        !json_str(body, "job_id")) {
        r = adopt(ctx, body, &job, rid);
        goto out;
    }
    if (job.archive_state != ARCH_RESTORING || !job.retrieval_id ||
        (rid && strcmp(rid, job.retrieval_id))) {
        r = unmatched(body, &job, rid);
        goto out;
    }
    if (!job.s3_results_bucket || !job.s3_key_result_file || !job.results_file_archive_id) {
        gas_err_set(GAS_EINVAL, "job %s is RESTORING without result keys or archive id", job_id);
        r = PIPE_DEAD;
        goto out;
    }
    r = thaw_job(ctx, &job, json_str(body, "job_id") == NULL, seen);
out:
    job_release(&job);
    free(job_id);
    free(rid);
    return r;
}
