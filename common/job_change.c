/* job_change: the typed transitions of a job (include/gas/job.h). Each is one conditional
 * update built from the transition tables of job.c: the state it leaves is a condition,
 * so a duplicate or stale caller finds the state moved on (GAS_ECONFLICT, nothing
 * changed). Pipelines, the gas commands and the console change jobs only through these. */
#include "gas/job.h"

#include "gas/err.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

#define A(field) job_attr(JF_##field) /* the item attribute of a field */

/* Applies u (released here) to the job; names the job in the message of a failure. */
static int apply(struct tbl *jobs, const char *job_id, struct tbl_update *u, const char *what)
{
    int rc = tbl_update(jobs, job_id, u, NULL);
    tbl_update_release(u);
    if (rc == GAS_ENOTFOUND && !gas_err_code_has("ResourceNotFound")) /* not the table */
        gas_err_set(rc, "no job %s", job_id);
    else if (rc == GAS_ECONFLICT)
        gas_err_set(rc, "job %s: %s: its state moved on", job_id, what);
    return rc;
}

int job_submit(struct tbl *jobs, const struct job *job)
{
    if (job->job_status != JOB_PENDING)
        return gas_err_set(GAS_EINTERNAL, "a new job is PENDING");
    cJSON *item = job_to_json(job);
    int rc = tbl_put(jobs, item, 1);
    cJSON_Delete(item);
    return rc;
}

/* u's conditions, then: if the attempts are still as seen, the job is worker's, leased
 * (and watched) until, one attempt more. */
static int claimed_by(struct tbl *jobs, const struct job *seen, const char *worker, int64_t until,
                      struct tbl_update *u, const char *what)
{
    tbl_update_if_int(u, A(attempts), seen->attempts ? TBL_EQ : TBL_NE, seen->attempts);
    tbl_update_set_str(u, A(worker_id), worker);
    tbl_update_set_int(u, A(lease_until), until);
    job_watch_until(u, until);
    tbl_update_set_int(u, A(attempts), seen->attempts + 1);
    return apply(jobs, seen->job_id, u, what);
}

int job_claim(struct tbl *jobs, const struct job *seen, const char *worker, int64_t lease_s)
{
    int64_t now = gas_now_s();
    struct tbl_update u;
    tbl_update_init(&u);
    int rc = job_update_status(&u, seen->job_status, JOB_RUNNING);
    if (rc) {
        tbl_update_release(&u);
        return rc;
    }
    if (seen->job_status == JOB_RUNNING && strcmp(seen->worker_id ? seen->worker_id : "", worker)) {
        if (seen->lease_until) /* a dead worker's: taken over */
            tbl_update_if_int(&u, A(lease_until), TBL_LT, now);
        else /* GAS's Python annotator keeps no lease: taken over (docs/migrate.md) */
            tbl_update_if_absent(&u, A(lease_until));
    }
    return claimed_by(jobs, seen, worker, now + lease_s, &u, "claim");
}

int job_take_over(struct tbl *jobs, const struct job *seen, const char *worker, int64_t lease_s)
{
    if (seen->job_status != JOB_RUNNING || !seen->worker_id)
        return gas_err_set(GAS_EINTERNAL, "only a RUNNING job of another worker is taken over");
    int64_t now = gas_now_s();
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, A(job_status), TBL_EQ, job_status_item(JOB_RUNNING));
    tbl_update_if_str(&u, A(worker_id), TBL_EQ, seen->worker_id);
    tbl_update_if_int(&u, A(lease_until), TBL_EQ, seen->lease_until);
    return claimed_by(jobs, seen, worker, now + lease_s, &u, "take over");
}

int job_renew(struct tbl *jobs, const char *job_id, const char *worker, int64_t lease_s)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, A(job_status), TBL_EQ, job_status_item(JOB_RUNNING));
    tbl_update_if_str(&u, A(worker_id), TBL_EQ, worker);
    tbl_update_set_int(&u, A(lease_until), gas_now_s() + lease_s);
    job_watch_until(&u, gas_now_s() + lease_s);
    return apply(jobs, job_id, &u, "renew the lease");
}

/* RUNNING under worker (NULL: whoever) -> to, with u's changes. */
static int leave_running(struct tbl *jobs, const char *job_id, const char *worker,
                         enum job_status to, struct tbl_update *u, const char *what)
{
    job_update_status(u, JOB_RUNNING, to);
    if (worker)
        tbl_update_if_str(u, A(worker_id), TBL_EQ, worker);
    tbl_update_remove(u, A(lease_until));
    return apply(jobs, job_id, u, what);
}

int job_complete(struct tbl *jobs, const char *job_id, const char *worker,
                 const struct job_result *r)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_set_str(&u, A(s3_results_bucket), r->bucket);
    tbl_update_set_str(&u, A(s3_key_result_file), r->result_key);
    tbl_update_set_str(&u, A(s3_key_log_file), r->log_key);
    tbl_update_set_int(&u, A(complete_time), r->complete_time);
    tbl_update_remove(&u, A(error));
    if (r->annotation_build)
        tbl_update_set_str(&u, A(annotation_build), r->annotation_build);
    if (r->annotation_note)
        tbl_update_set_str(&u, A(annotation_note), r->annotation_note);
    return leave_running(jobs, job_id, worker, JOB_COMPLETED, &u, "complete");
}

int job_fail(struct tbl *jobs, const char *job_id, const char *worker, const char *why)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_set_str(&u, A(error), why);
    tbl_update_set_int(&u, A(fail_time), gas_now_s());
    return leave_running(jobs, job_id, worker, JOB_FAILED, &u, "fail");
}

int job_requeue(struct tbl *jobs, const char *job_id, const char *worker, const char *why,
                int64_t attempts)
{
    struct tbl_update u;
    tbl_update_init(&u);
    if (why)
        tbl_update_set_str(&u, A(error), why);
    if (attempts > 0)
        tbl_update_set_int(&u, A(attempts), attempts);
    else if (attempts == 0)
        tbl_update_remove(&u, A(attempts));
    return leave_running(jobs, job_id, worker, JOB_PENDING, &u, "release");
}

/* what, and the reason the job had failed (from was, its error), as its new error */
static void error_keeping_why(struct tbl_update *u, const char *what, const char *was)
{
    const char *root = job_error_root(was);
    if (root && strncmp(root, "cancelled", 9)) {
        char *e = xasprintf("%s" JOB_HAD_FAILED "%.900s", what, root);
        tbl_update_set_str(u, A(error), e);
        free(e);
    } else if (!strncmp(what, "retried", 7)) {
        tbl_update_remove(u, A(error));
    } else {
        tbl_update_set_str(u, A(error), what);
    }
}

int job_retry(struct tbl *jobs, const char *job_id, const char *was)
{
    struct tbl_update u;
    tbl_update_init(&u);
    job_update_status(&u, JOB_FAILED, JOB_PENDING);
    error_keeping_why(&u, "retried by an administrator", was);
    tbl_update_remove(&u, A(fail_time));
    tbl_update_remove(&u, A(attempts));
    tbl_update_remove(&u, A(worker_id));
    /* the failure's email went out: the result's will too */
    tbl_update_remove(&u, A(notify_time));
    tbl_update_remove(&u, A(notify_claim));
    tbl_update_remove(&u, A(notify_error));
    tbl_update_remove(&u, A(notify_message_id));
    tbl_update_remove(&u, "notify_error_time");
    return apply(jobs, job_id, &u, "retry (only FAILED jobs are retried)");
}

int job_cancel(struct tbl *jobs, const char *job_id, const char *was)
{
    struct tbl_update u;
    tbl_update_init(&u);
    job_update_status(&u, JOB_PENDING, JOB_FAILED);
    error_keeping_why(&u, JOB_CANCEL_ERROR, was);
    tbl_update_set_int(&u, A(fail_time), gas_now_s());
    int rc = apply(jobs, job_id, &u, "cancel");
    if (rc == GAS_ECONFLICT)
        gas_err_set(rc, "job %s is not PENDING (any more): only a PENDING job can be cancelled",
                    job_id);
    return rc;
}

/* archive_state from -> to on a COMPLETED job, with u's changes. */
static int move_archive(struct tbl *jobs, const char *job_id, enum archive_state from,
                        enum archive_state to, struct tbl_update *u, const char *what)
{
    int rc = job_update_archive(u, from, to);
    if (rc) {
        tbl_update_release(u);
        return rc;
    }
    tbl_update_if_str(u, A(job_status), TBL_EQ, job_status_item(JOB_COMPLETED));
    return apply(jobs, job_id, u, what);
}

int job_archive_begin(struct tbl *jobs, const char *job_id, int64_t deadline)
{
    struct tbl_update u;
    tbl_update_init(&u);
    job_watch_until(&u, deadline);
    /* a cold copy still to delete (an abandoned archive's, or a thaw's) goes first: its id
     * may be the one this archive makes (deterministic ids) */
    tbl_update_if_absent(&u, A(cold_cleanup_id));
    return move_archive(jobs, job_id, ARCH_NONE, ARCH_ARCHIVING, &u, "archive");
}

int job_archive_pending(struct tbl *jobs, const char *job_id, const char *archive_id)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, A(job_status), TBL_EQ, job_status_item(JOB_COMPLETED));
    tbl_update_if_str(&u, A(archive_state), TBL_EQ, archive_state_name(ARCH_ARCHIVING));
    tbl_update_if_absent(&u, A(archive_pending_id));
    tbl_update_set_str(&u, A(archive_pending_id), archive_id);
    return apply(jobs, job_id, &u, "record the cold copy");
}

int job_archive_abandon(struct tbl *jobs, const char *job_id, const char *archive_id)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_absent(&u, A(archive_pending_id)); /* recorded: the archive is finished */
    /* deleted after this, or on redelivery if a crash comes first (none is parked while
     * ARCHIVING: job_archive_begin) */
    tbl_update_set_str(&u, A(cold_cleanup_id), archive_id);
    return move_archive(jobs, job_id, ARCH_ARCHIVING, ARCH_NONE, &u, "abandon the archive");
}

int job_archive_record(struct tbl *jobs, const char *job_id, const char *archive_id)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, A(archive_pending_id), TBL_EQ, archive_id);
    tbl_update_remove(&u, A(archive_pending_id));
    tbl_update_set_str(&u, A(results_file_archive_id), archive_id);
    tbl_update_set_int(&u, A(archive_time), gas_now_s());
    return move_archive(jobs, job_id, ARCH_ARCHIVING, ARCH_ARCHIVED, &u, "record the archive");
}

int job_adopt_archived(struct tbl *jobs, const char *job_id)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_absent(&u, A(archive_state));
    tbl_update_if_exists(&u, A(results_file_archive_id));
    tbl_update_set_str(&u, A(archive_state), "ARCHIVED");
    return apply(jobs, job_id, &u, "adopt a legacy archive");
}

int job_restore_start(struct tbl *jobs, const struct job *job, const char *retrieval_id,
                      const char *tier, int64_t deadline)
{
    struct tbl_update u;
    tbl_update_init(&u);
    job_update_archive(&u, ARCH_ARCHIVED, ARCH_RESTORING);
    tbl_update_if_str(&u, A(results_file_archive_id), TBL_EQ, job->results_file_archive_id);
    tbl_update_set_str(&u, A(retrieval_id), retrieval_id);
    tbl_update_set_str(&u, A(retrieval_tier), tier);
    job_watch_until(&u, deadline);
    return apply(jobs, job->job_id, &u, "start the restore");
}

int job_restore_claim(struct tbl *jobs, const struct job *job, const char *claim, int64_t deadline)
{
    struct tbl_update u;
    tbl_update_init(&u);
    job_update_archive(&u, ARCH_ARCHIVED, ARCH_RESTORING);
    tbl_update_if_str(&u, A(results_file_archive_id), TBL_EQ, job->results_file_archive_id);
    tbl_update_set_str(&u, A(retrieval_id), claim);
    job_watch_until(&u, deadline);
    return apply(jobs, job->job_id, &u, "claim the restore");
}

int job_restore_started(struct tbl *jobs, const char *job_id, const char *claim,
                        const char *retrieval_id, const char *tier, int64_t deadline)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, A(archive_state), TBL_EQ, "RESTORING");
    tbl_update_if_str(&u, A(retrieval_id), TBL_EQ, claim);
    tbl_update_set_str(&u, A(retrieval_id), retrieval_id);
    tbl_update_set_str(&u, A(retrieval_tier), tier);
    job_watch_until(&u, deadline);
    return apply(jobs, job_id, &u, "record the retrieval");
}

int job_restore_failed(struct tbl *jobs, const char *job_id, const char *retrieval_id)
{
    struct tbl_update u;
    tbl_update_init(&u);
    job_update_archive(&u, ARCH_RESTORING, ARCH_ARCHIVED);
    tbl_update_if_str(&u, A(retrieval_id), TBL_EQ, retrieval_id);
    tbl_update_remove(&u, A(retrieval_id));
    tbl_update_remove(&u, A(retrieval_tier));
    return apply(jobs, job_id, &u, "return to ARCHIVED");
}

int job_restore_poll(struct tbl *jobs, const char *job_id, const char *retrieval_id,
                     int64_t deadline)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, A(archive_state), TBL_EQ, "RESTORING");
    tbl_update_if_str(&u, A(retrieval_id), TBL_EQ, retrieval_id);
    job_watch_until(&u, deadline);
    return apply(jobs, job_id, &u, "poll the retrieval");
}

int job_thawed(struct tbl *jobs, const struct job *job, int park_cleanup)
{
    struct tbl_update u;
    tbl_update_init(&u);
    job_update_archive(&u, ARCH_RESTORING, ARCH_NONE);
    tbl_update_if_str(&u, A(retrieval_id), TBL_EQ, job->retrieval_id);
    tbl_update_remove(&u, A(results_file_archive_id));
    tbl_update_remove(&u, A(retrieval_id));
    tbl_update_remove(&u, A(retrieval_tier));
    tbl_update_set_int(&u, A(restore_time), gas_now_s());
    /* where the deployment's pages look (its archive script may have removed them) */
    if (job->s3_results_bucket)
        tbl_update_set_str(&u, A(s3_results_bucket), job->s3_results_bucket);
    if (job->s3_key_result_file)
        tbl_update_set_str(&u, A(s3_key_result_file), job->s3_key_result_file);
    if (job->s3_key_log_file)
        tbl_update_set_str(&u, A(s3_key_log_file), job->s3_key_log_file);
    if (park_cleanup) /* deleted after this, or on redelivery if a crash comes first */
        tbl_update_set_str(&u, A(cold_cleanup_id), job->results_file_archive_id);
    return apply(jobs, job->job_id, &u, "record the thaw");
}

int job_cleanup_done(struct tbl *jobs, const char *job_id, const char *archive_id)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, A(cold_cleanup_id), TBL_EQ, archive_id);
    tbl_update_remove(&u, A(cold_cleanup_id));
    return apply(jobs, job_id, &u, "clear the cold cleanup");
}

int job_notified(struct tbl *jobs, const char *job_id, const char *message_id)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_absent(&u, A(notify_time));
    tbl_update_set_int(&u, A(notify_time), gas_now_s());
    if (message_id)
        tbl_update_set_str(&u, A(notify_message_id), message_id);
    tbl_update_remove(&u, A(notify_claim));
    tbl_update_remove(&u, A(notify_error));
    tbl_update_remove(&u, "notify_error_time");
    return apply(jobs, job_id, &u, "record the notice");
}

int job_notify_claim(struct tbl *jobs, const struct job *seen, int64_t until)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_absent(&u, A(notify_time));
    if (seen->notify_claim)
        tbl_update_if_int(&u, A(notify_claim), TBL_EQ, seen->notify_claim);
    else
        tbl_update_if_absent(&u, A(notify_claim));
    tbl_update_set_int(&u, A(notify_claim), until);
    return apply(jobs, seen->job_id, &u, "claim the email");
}

int job_notify_failed(struct tbl *jobs, const char *job_id, const char *why)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_absent(&u, A(notify_time));
    tbl_update_set_str(&u, A(notify_error), why);
    tbl_update_set_int(&u, "notify_error_time", gas_now_s());
    tbl_update_remove(&u, A(notify_claim)); /* the retry need not wait for it */
    return apply(jobs, job_id, &u, "record the refused email");
}

int job_notify_bounced(struct tbl *jobs, const char *job_id, const char *why)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_exists(&u, A(job_id));
    tbl_update_set_str(&u, A(notify_error), why);
    tbl_update_set_int(&u, "notify_error_time", gas_now_s());
    return apply(jobs, job_id, &u, "record the bounce");
}

int job_watch_bump(struct tbl *jobs, const char *job_id, const char *state, int64_t seen,
                   int64_t until)
{
    struct tbl_update u;
    tbl_update_init(&u);
    tbl_update_if_str(&u, TBL_WATCH, TBL_EQ, state);
    tbl_update_if_int(&u, TBL_WATCH_UNTIL, TBL_EQ, seen);
    job_watch_until(&u, until);
    return apply(jobs, job_id, &u, "reconcile");
}
