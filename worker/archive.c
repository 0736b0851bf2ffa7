/* archive: a free user's result goes to cold storage once complete_time + archive_grace
 * has passed (the subscription delays delivery up to 900 s; a longer grace defers the
 * message until it is due: re-hidden, or re-sent delayed near the dead-letter limit).
 *
 *   NONE -> ARCHIVING (claimed) -> copy to cold storage -> re-check the role: upgraded
 *   meanwhile? abandon (back to NONE with the cold copy's id parked in cold_cleanup_id,
 *   then the cold copy deleted and the id cleared; the hot copy never touched)
 *   -> the cold copy's id recorded (archive_pending_id: from here on the archive is
 *   finished, never abandoned) -> delete the hot copy -> ARCHIVED + archive id -> ack;
 *   upgraded by then? a restore request for the job.
 *
 * The hot copy is deleted only once the cold copy's id is durable in the job item, and
 * while the job is ARCHIVING, from which no restore starts: a restore (ARCHIVED ->
 * RESTORING -> the thaw puts the result back) can never be followed by this delete. A
 * redelivered message resumes from whatever state a crash left: ARCHIVING without a
 * pending id archives again (the archive id is deterministic, so no second copy; a
 * Glacier vault's orphan costs money, loses nothing), with one deletes the hot copy if it
 * is still there and records it; ARCHIVED is done; NONE with a parked cold_cleanup_id (a
 * crash after an abandon, or a thaw's) deletes that copy first, before any new archive
 * (which job_archive_begin refuses while one is parked: a deterministic id could name the
 * new copy). Premium users' results are never archived. */
#include "worker.h"

#include "gas/err.h"
#include "gas/fault.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

static int role_of(struct pipe_ctx *ctx, const char *user_id, enum user_role *role)
{
    struct user u;
    int rc = app_user_get(ctx->app, user_id, &u);
    if (!rc)
        *role = u.role;
    else
        log_warn("archive", "role of %s unknown: %s", user_id, gas_errmsg());
    user_release(&u);
    return rc;
}

/* A cold copy made from a job seen ARCHIVING that has moved on meanwhile (another delivery
 * finished the archive, or it was restored since): deleted unless the job's archive is
 * that copy (a deterministic id: the same copy). */
static void drop_if_unused(struct pipe_ctx *ctx, const char *job_id, const char *aid)
{
    struct job now;
    if (app_job_get(ctx->app, job_id, &now))
        return; /* unknown: kept (an orphan costs money, loses nothing) */
    int used = (now.archive_pending_id && !strcmp(now.archive_pending_id, aid)) ||
               (now.results_file_archive_id && !strcmp(now.results_file_archive_id, aid)) ||
               (now.cold_cleanup_id && !strcmp(now.cold_cleanup_id, aid));
    job_release(&now);
    if (!used && cold_forget(ctx->app->be->cold, aid))
        log_warn("archive", "cold copy %.16s... not deleted: %s", aid, gas_errmsg());
}

enum pipe_result cold_cleanup(struct pipe_ctx *ctx, const char *job_id, const char *aid)
{
    int rc = cold_forget(ctx->app->be->cold, aid);
    if (rc) {
        log_warn("cold", "cold copy %.16s... not deleted yet: %s", aid, gas_errmsg());
        return PIPE_RETRY; /* still parked: the next delivery tries again */
    }
    job_cleanup_done(ctx->app->jobs, job_id, aid); /* not cleared: deleted again, harmless */
    return PIPE_ACK;
}

/* The user upgraded before the cold copy was recorded: back to NONE with the copy's id
 * parked, then the cold copy dropped; the hot copy was never touched. */
static enum pipe_result abandon(struct pipe_ctx *ctx, const struct job *job, const char *aid)
{
    int rc = job_archive_abandon(ctx->app->jobs, job->job_id, aid);
    if (rc == GAS_ECONFLICT) { /* moved on meanwhile: another delivery or a restore */
        drop_if_unused(ctx, job->job_id, aid);
        return PIPE_RETRY;
    }
    if (rc)
        return PIPE_RETRY;
    fault_point("archive.after_abandon");
    log_info("archive", "user upgraded during the archive: result kept hot");
    return cold_cleanup(ctx, job->job_id, aid);
}

/* An ARCHIVED job whose user upgraded while its hot copy went: the upgrade's restore may
 * have passed it by (it was ARCHIVING then), so a restore request for it (a restore already
 * going says so and does nothing). */
static enum pipe_result restore_upgraded(struct pipe_ctx *ctx, const struct job *job)
{
    struct queue *q = NULL;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "job_id", job->job_id);
    cJSON_AddStringToObject(j, "user_id", job->user_id);
    char *body = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    int rc = app_queue(ctx->app, CFG_RESTORE_QUEUE, &q);
    if (!rc)
        rc = queue_send(q, body, 0, NULL);
    queue_close(q);
    free(body);
    if (rc) {
        log_warn("archive", "user upgraded during the archive; restore request not sent: %s",
                 gas_errmsg());
        return PIPE_RETRY; /* ARCHIVED now: the next delivery sends it */
    }
    log_info("archive", "user upgraded during the archive: restore requested");
    return PIPE_ACK;
}

/* The cold copy recorded (archive_pending_id = aid): delete the hot copy, record ARCHIVED;
 * a user upgraded by then gets the result back through a restore request. */
static enum pipe_result finish(struct pipe_ctx *ctx, const struct job *job, const char *aid)
{
    fault_point("archive.before_delete");
    int rc = objs_delete(ctx->app->be->objs, job->s3_results_bucket, job->s3_key_result_file);
    if (rc && rc != GAS_ENOTFOUND) {
        log_warn("archive", "hot copy not deleted yet: %s", gas_errmsg());
        return PIPE_RETRY;
    }
    fault_point("archive.after_delete");
    rc = job_archive_record(ctx->app->jobs, job->job_id, aid);
    if (rc == GAS_ECONFLICT) {
        log_info("archive", "job %s: recorded meanwhile by another delivery", job->job_id);
        return PIPE_ACK;
    }
    if (rc)
        return PIPE_RETRY; /* the next delivery sees the pending id and records it */
    log_info("archive", "result archived as %.16s..., hot copy deleted", aid);
    fault_point("archive.after_record");
    enum user_role role;
    if (role_of(ctx, job->user_id, &role) == 0 && role == ROLE_PREMIUM)
        return restore_upgraded(ctx, job);
    return PIPE_ACK;
}

enum pipe_result pipe_archive(struct pipe_ctx *ctx, const cJSON *body)
{
    (void)body;
    struct job *job = ctx->job; /* loaded by the runner (pipeline table) */
    enum pipe_result r = PIPE_ACK;
    int rc;
    const char *job_id = job->job_id;
    enum user_role role = ROLE_FREE;
    int64_t due = job->complete_time + cfg_int(ctx->cfg, CFG_ARCHIVE_GRACE);
    char *aid = NULL;
    if (job->job_status != JOB_COMPLETED || !job->s3_key_result_file || !job->s3_results_bucket) {
        gas_err_set(GAS_EINVAL, "job is %s, not a completed job with a result",
                    job_status_name(job->job_status));
        r = PIPE_DEAD;
        goto out;
    }
    if (job->archive_state == ARCH_RESTORING)
        goto out; /* the user upgraded: nothing to archive */
    if (job->archive_state == ARCH_ARCHIVED) {
        if (job->results_file_archive_id && role_of(ctx, job->user_id, &role) == 0 &&
            role == ROLE_PREMIUM) /* upgraded as it was archived: see finish() */
            r = restore_upgraded(ctx, job);
        goto out; /* archived: the hot copy went before it was recorded */
    }
    if (job->archive_state == ARCH_NONE && job->cold_cleanup_id) { /* finish a cleanup first */
        if ((r = cold_cleanup(ctx, job_id, job->cold_cleanup_id)) != PIPE_ACK)
            goto out;
        free(job->cold_cleanup_id);
        job->cold_cleanup_id = NULL;
    }
    if (job->archive_state == ARCH_NONE && gas_now_s() < due) {
        int64_t left = due - gas_now_s();
        ctx->defer_s = left > QUEUE_MAX_VISIBILITY ? QUEUE_MAX_VISIBILITY : (int)left;
        r = PIPE_DEFER;
        goto out;
    }
    if (job->archive_state == ARCH_ARCHIVING && job->archive_pending_id) {
        r = finish(ctx, job, job->archive_pending_id); /* a crash's archive, recorded */
        goto out;
    }
    if ((rc = role_of(ctx, job->user_id, &role)) != 0) {
        r = pipe_result_of_user(ctx, rc);
        goto out;
    }
    if (role == ROLE_PREMIUM && job->archive_state == ARCH_NONE) {
        log_info("archive", "job %s: %s is premium: the result stays hot", job_id, job->user_id);
        goto out;
    }
    if (job->archive_state == ARCH_NONE) {
        /* the reconciler resends the work if it is not done by the deadline */
        rc = job_archive_begin(ctx->app->jobs, job_id,
                               gas_now_s() + cfg_int(ctx->cfg, CFG_JOB_LEASE));
        if (rc == GAS_ECONFLICT) {
            r = PIPE_RETRY; /* someone else moved it: look again */
            goto out;
        }
        if (rc) {
            r = PIPE_RETRY;
            goto out;
        }
    }
    /* ARCHIVING: copy to cold storage, then (still free) record the copy */
    char desc[256];
    snprintf(desc, sizeof desc, "{\"job_id\":\"%.64s\",\"user_id\":\"%.64s\"}", job->job_id,
             job->user_id);
    rc = cold_archive(ctx->app->be->cold, job->s3_results_bucket, job->s3_key_result_file, desc,
                      &aid);
    if (rc) {
        log_warn("archive", "%s", gas_errmsg());
        r = PIPE_RETRY;
        goto out;
    }
    fault_point("archive.after_upload");
    if ((rc = role_of(ctx, job->user_id, &role)) != 0) {
        r = pipe_result_of_user(ctx, rc);
        goto out;
    }
    if (role == ROLE_PREMIUM) {
        r = abandon(ctx, job, aid);
        goto out;
    }
    rc = job_archive_pending(ctx->app->jobs, job_id, aid);
    if (rc) {
        if (rc == GAS_ECONFLICT) /* abandoned, recorded or restored meanwhile */
            drop_if_unused(ctx, job_id, aid);
        r = PIPE_RETRY; /* the next delivery sees which */
        goto out;
    }
    r = finish(ctx, job, aid);
out:
    free(aid);
    return r;
}
