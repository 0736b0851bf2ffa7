/* reconcile: no job depends on a message's receive count to be finished. While a job is
 * RUNNING, ARCHIVING or RESTORING it sits in the jobs table's due index (watch =
 * the state, watch_until = its deadline: the lease while running; job_lease for an
 * archive; the tier's ready time plus polls for a restore). A worker that dies, or a
 * message that lands in the dead-letter queue, leaves the deadline to pass; each pass
 * here reads only the overdue items of the index (never the table) and puts their work
 * back: it first moves watch_until on by a conditional update (so that, of several gasd,
 * exactly one resends), then sends the message that makes a pipeline take the job up
 * again: the request (annotate takes over an expired lease), the result (archive resumes
 * from ARCHIVING, deterministically), the thaw poll (thaw checks the retrieval). Every
 * handler is idempotent, so a resend that meets work still in progress is harmless.
 * Runs on gasd's main thread every reconcile_interval seconds, and once at start. */
#include "worker.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

#define PASS_LIMIT 100 /* items per state per pass: the rest come next pass */

static int send_request(struct worker *w, const struct job *job)
{
    char *body = msg_request(job);
    int rc = app_publish(w->app, w->app->requests, body);
    free(body);
    return rc;
}

static int send_to(struct worker *w, int queue_key, char *body)
{
    struct queue *q = NULL;
    int rc = app_queue(w->app, queue_key, &q);
    if (!rc)
        rc = queue_send(q, body, 0, NULL);
    queue_close(q);
    free(body);
    return rc;
}

static int send_archive(struct worker *w, const struct job *job)
{
    return send_to(w, CFG_ARCHIVE_QUEUE, msg_result(job));
}

static int send_thaw(struct worker *w, const struct job *job)
{
    if (!job->retrieval_id)
        return gas_err_set(GAS_EINVAL, "RESTORING without a retrieval id");
    if (!strncmp(job->retrieval_id, JOB_CLAIM_PREFIX, strlen(JOB_CLAIM_PREFIX))) {
        /* claimed, and its worker died before it recorded a retrieval: ARCHIVED again, and
         * the job's restore asked for again (restore: {job_id, user_id}) */
        int rc = job_restore_failed(w->app->jobs, job->job_id, job->retrieval_id);
        if (rc)
            return rc == GAS_ECONFLICT ? 0 : rc;
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "job_id", job->job_id);
        cJSON_AddStringToObject(m, "user_id", job->user_id);
        char *body = json_print(m);
        cJSON_Delete(m);
        return send_to(w, CFG_RESTORE_QUEUE, body);
    }
    return send_to(w, CFG_THAW_QUEUE, msg_thaw(job->job_id, job->retrieval_id));
}

static const struct {
    const char *state;
    int (*resend)(struct worker *w, const struct job *job);
} watched[] = {
    {"RUNNING", send_request},
    {"ARCHIVING", send_archive},
    {"RESTORING", send_thaw},
};

/* Claims the job's reconciliation (watch_until moved on, if nobody did meanwhile) and
 * resends its work. 1 if sent, 0 if someone else had, <0 on error. why: NULL (past its
 * deadline) or what else made it due (its worker lost). */
static int put_back(struct worker *w, const char *state, const cJSON *item, const char *why)
{
    struct job job;
    int64_t seen = 0;
    int rc = job_from_json(item, &job);
    if (!rc)
        rc = json_int(item, TBL_WATCH_UNTIL, &seen);
    if (rc) {
        log_warn("reconcile", "job %s: %s", json_str(item, "job_id"), gas_errmsg());
        return rc;
    }
    int64_t again = gas_now_s() + cfg_int(w->cfg, CFG_JOB_LEASE) +
                    (strcmp(state, "RESTORING") ? 0 : cfg_int(w->cfg, CFG_THAW_POLL_INTERVAL));
    rc = job_watch_bump(w->app->jobs, job.job_id, state, seen, again);
    if (!rc) {
        for (size_t i = 0; i < sizeof watched / sizeof *watched; i++)
            if (!strcmp(watched[i].state, state))
                rc = watched[i].resend(w, &job);
        if (rc)
            log_warn("reconcile", "job %s (%s): resend failed: %s", job.job_id, state,
                     gas_errmsg());
        else if (why)
            log_warn("reconcile", "job %s %s on worker %s, %s: work sent again", job.job_id, state,
                     job.worker_id ? job.worker_id : "?", why);
        else
            log_warn("reconcile", "job %s %s past its deadline (%lld s ago): work sent again",
                     job.job_id, state, (long long)(gas_now_s() - seen));
    }
    job_release(&job);
    return rc == GAS_ECONFLICT ? 0 : rc ? rc : 1;
}

int reconcile_pass(struct worker *w)
{
    int total = 0;
    for (size_t i = 0; i < sizeof watched / sizeof *watched; i++) {
        struct tbl_page pg;
        int rc = tbl_query_due(w->app->jobs, watched[i].state, gas_now_s(), PASS_LIMIT, &pg);
        if (rc) {
            log_warn("reconcile", "%s: %s", watched[i].state, gas_errmsg());
            continue;
        }
        const cJSON *it;
        cJSON_ArrayForEach(it, pg.items) total += put_back(w, watched[i].state, it, NULL) > 0;
        tbl_page_release(&pg);
    }
    return total;
}

/* A lost worker's RUNNING jobs (the watch index up to a day ahead, LOST_PASS_LIMIT of
 * them, nearest deadline first): each still as its claim left it (watch_until is the
 * lease: not resent since) gets its request sent again, for a live worker to take over
 * (job_take_over) instead of waiting out the lease. */
#define LOST_PASS_LIMIT 1000
int reconcile_lost(struct worker *w)
{
    struct tbl_page pg;
    int total = 0;
    if (tbl_query_due(w->app->jobs, "RUNNING", gas_now_s() + 86400, LOST_PASS_LIMIT, &pg)) {
        log_warn("reconcile", "RUNNING: %s", gas_errmsg());
        return 0;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, pg.items)
    {
        int64_t lease = 0, until = 0;
        double age = 0;
        const char *owner = json_str(it, job_attr(JF_worker_id));
        if (!registry_is_lost(owner, &age) || json_int(it, job_attr(JF_lease_until), &lease) ||
            json_int(it, TBL_WATCH_UNTIL, &until) || lease != until)
            continue;
        char why[96];
        snprintf(why, sizeof why, "lost (no heartbeat for %.0f s)", age);
        total += put_back(w, "RUNNING", it, why) > 0;
    }
    tbl_page_release(&pg);
    return total;
}
