/* ses_events: SES's bounce and complaint notifications (SNS-wrapped or raw, msg_ses_event)
 * become the job's notify_error ("bounced (Permanent/General): <diagnosticCode>",
 * "complaint: ..."), logged at error level naming job and address, and acked. The job is
 * found by the message's gas_job_id tag (or X-GAS-Job header), else by notify_message_id
 * through a scan of the jobs table: SES's identity notifications carry no tags, and the
 * table has no index on the message id, so the scan is the only way there (one page of
 * 1000 at a time, stopping at the first match; bounces are rare). Delivery and other
 * notifications are acked. An event that matches no job, or is not an SES notification,
 * is dead-lettered with its reason, never dropped. */
#include "worker.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/msg.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

/* The job whose notify_message_id is message_id (the caller's), by scan; GAS_ENOTFOUND. */
struct by_mid {
    const char *message_id;
    char *job_id;
};

static int match_message_id(const cJSON *item, void *arg)
{
    struct by_mid *b = arg;
    const char *mid = json_str(item, job_attr(JF_notify_message_id));
    const char *id = json_str(item, job_attr(JF_job_id));
    if (mid && id && !strcmp(mid, b->message_id))
        b->job_id = xstrdup(id);
    return b->job_id != NULL; /* found: the scan stops */
}

static int find_by_message_id(struct pipe_ctx *ctx, const char *message_id, char **job_id)
{
    struct by_mid b = {message_id, NULL};
    int rc = app_jobs_each(ctx->app, NULL, match_message_id, &b);
    *job_id = b.job_id;
    if (rc < 0)
        return rc;
    return b.job_id ? 0 : gas_err_set(GAS_ENOTFOUND, "no job has notify_message_id %s", message_id);
}

enum pipe_result pipe_ses_events(struct pipe_ctx *ctx, const cJSON *body)
{
    struct ses_event ev;
    if (msg_ses_event(body, &ev))
        return PIPE_DEAD; /* the reason is set */
    if (strcmp(ev.type, "Bounce") && strcmp(ev.type, "Complaint")) {
        log_info("ses_events", "SES %s for message %s: nothing to record", ev.type, ev.message_id);
        return PIPE_ACK;
    }
    char *job_id = ev.job_id ? xstrdup(ev.job_id) : NULL;
    int rc = job_id ? 0 : find_by_message_id(ctx, ev.message_id, &job_id);
    if (!rc)
        rc = job_notify_bounced(ctx->app->jobs, job_id, ev.what);
    enum pipe_result r = PIPE_ACK;
    if (!rc) {
        log_error("ses_events", "email for job %s to %s %s", job_id, ev.address, ev.what);
    } else if (rc == GAS_ENOTFOUND || rc == GAS_ECONFLICT) {
        gas_err_set(GAS_ENOTFOUND, "SES %s for message %s (to %s) matches no job%s%s", ev.type,
                    ev.message_id, ev.address,
                    job_id ? ": no job "
                           : " (no gas_job_id tag, no "
                             "job with its message id)",
                    job_id ? job_id : "");
        log_error("ses_events", "%s", gas_errmsg());
        r = PIPE_DEAD;
    } else {
        log_warn("ses_events", "SES %s for job %s waits: %s", ev.type, job_id, gas_errmsg());
        r = pipe_result_of(rc);
    }
    free(job_id);
    return r;
}
