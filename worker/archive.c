/* archive: a free user's result goes to cold storage once complete_time + archive_grace
 * has passed (the subscription delays delivery up to 900 s; a longer grace defers the
 * message until it is due: re-hidden, or re-sent delayed near the dead-letter limit).
 *
 *   NONE -> ARCHIVING (claimed) -> copy to cold storage -> ARCHIVED + archive id recorded
 *   -> re-check the role: upgraded meanwhile? undo (back to NONE, cold copy deleted, the
 *   hot copy never touched) -> otherwise delete the hot copy -> ack.
 *
 * The hot copy is deleted only after the archive id is durable in the job item. A
 * redelivered message resumes from whatever state a crash left: ARCHIVING archives again
 * (the archive id is deterministic, so no second copy), ARCHIVED deletes the hot copy if
 * it is still there. Premium users' results are never archived. */
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

/* The user upgraded while we archived: put the job back to NONE, drop the cold copy. */
static enum pipe_result undo(struct pipe_ctx *ctx, const struct job *job, const char *aid)
{
    int rc = job_archive_undo(ctx->app->jobs, job->job_id);
    if (rc && rc != GAS_ECONFLICT)
        return PIPE_RETRY;
    if (!rc) {
        int d = cold_forget(ctx->app->be->cold, aid);
        if (d) /* an orphaned cold copy costs money, loses nothing */
            log_warn("archive", "cold copy %.16s... not deleted: %s", aid, gas_errmsg());
    }
    log_info("archive", "user upgraded during the archive: result kept hot");
    return PIPE_ACK;
}

/* ARCHIVED: re-check the role, then delete the hot copy. */
static enum pipe_result finish(struct pipe_ctx *ctx, const struct job *job, const char *aid)
{
    enum user_role role;
    int rc = role_of(ctx, job->user_id, &role);
    if (rc)
        return pipe_result_of_user(ctx, rc);
    if (role == ROLE_PREMIUM)
        return undo(ctx, job, aid);
    fault_point("archive.before_delete");
    rc = objs_delete(ctx->app->be->objs, job->s3_results_bucket, job->s3_key_result_file);
    if (rc) {
        log_warn("archive", "hot copy not deleted yet: %s", gas_errmsg());
        return PIPE_RETRY;
    }
    log_info("archive", "result archived as %.16s..., hot copy deleted", aid);
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
        r = job->results_file_archive_id ? finish(ctx, job, job->results_file_archive_id)
                                         : PIPE_ACK;
        goto out;
    }
    if (job->archive_state == ARCH_NONE && gas_now_s() < due) {
        int64_t left = due - gas_now_s();
        ctx->defer_s = left > QUEUE_MAX_VISIBILITY ? QUEUE_MAX_VISIBILITY : (int)left;
        r = PIPE_DEFER;
        goto out;
    }
    if ((rc = role_of(ctx, job->user_id, &role)) != 0) {
        r = pipe_result_of_user(ctx, rc);
        goto out;
    }
    if (role == ROLE_PREMIUM && job->archive_state == ARCH_NONE)
        goto out; /* premium results stay hot */
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
    /* ARCHIVING: copy to cold storage and record the id */
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
    rc = job_archive_record(ctx->app->jobs, job_id, aid);
    if (rc) {
        r = PIPE_RETRY; /* the next delivery sees the state and carries on */
        goto out;
    }
    fault_point("archive.after_record");
    r = finish(ctx, job, aid);
out:
    free(aid);
    return r;
}
