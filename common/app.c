/* app: the shared context of gasd and gas (see include/gas/app.h). */
#include "gas/app.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/fault.h"
#include "gas/json.h"
#include "gas/msg.h"
#include "gas/topology.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void close_handles(struct gas_app *a)
{
    tbl_close(a->jobs);
    tbl_close(a->users);
    tbl_close(a->workers);
    topic_close(a->requests);
    topic_close(a->results);
    topic_close(a->restore);
    topic_close(a->thaw);
    a->jobs = a->users = a->workers = NULL;
    a->requests = a->results = a->restore = a->thaw = NULL;
}

static int open_handles(struct gas_app *a, const struct cfg *cfg)
{
    int rc = be_table(a->be, cfg_str(cfg, CFG_JOBS_TABLE), JOBS_KEY, JOBS_INDEX, &a->jobs);
    if (!rc)
        rc = be_table(a->be, cfg_str(cfg, CFG_USERS_TABLE), USERS_KEY, NULL, &a->users);
    if (!rc)
        rc = be_table(a->be, cfg_str(cfg, CFG_WORKERS_TABLE), WORKERS_KEY, NULL, &a->workers);
    if (!rc)
        rc = be_topic(a->be, cfg_str(cfg, CFG_REQUESTS_TOPIC), &a->requests);
    if (!rc)
        rc = be_topic(a->be, cfg_str(cfg, CFG_RESULTS_TOPIC), &a->results);
    if (!rc)
        rc = be_topic(a->be, cfg_str(cfg, CFG_RESTORE_TOPIC), &a->restore);
    if (!rc)
        rc = be_topic(a->be, cfg_str(cfg, CFG_THAW_TOPIC), &a->thaw);
    const enum cfg_key queues[] = {CFG_REQUESTS_QUEUE, CFG_NOTIFY_QUEUE, CFG_ARCHIVE_QUEUE,
                                   CFG_RESTORE_QUEUE, CFG_THAW_QUEUE};
    /* lazily: each queue is looked up when a command uses it (app_queue) */
    for (size_t i = 0; !rc && !a->be->lazy_open && i < sizeof queues / sizeof *queues; i++) {
        struct queue *q = NULL;
        rc = app_queue(a, queues[i], &q);
        queue_close(q);
    }
    return rc;
}

static int open_app(const struct cfg *cfg, int lazy, struct gas_app **out)
{
    *out = NULL;
    struct gas_app *a = xcalloc(1, sizeof *a);
    a->cfg = cfg;
    int rc = job_model_configure(cfg); /* the deployment's attribute and index names */
    if (!rc)
        rc = backend_open(cfg, &a->be);
    if (!rc) /* the local backend checks at open (cheap; it creates what is missing) */
        a->be->lazy_open = lazy && strcmp(a->be->name, "local");
    if (!rc)
        rc = open_handles(a, cfg);
    if (rc == GAS_ENOTFOUND && !strcmp(a->be->name, "local")) {
        /* a fresh data dir, or names changed in config: create what is missing */
        close_handles(a);
        rc = topology_ensure(a->be, cfg, NULL);
        if (!rc)
            rc = open_handles(a, cfg);
    }
    if (!rc)
        rc = users_open(a, &a->user_src);
    if (rc) {
        app_close(a);
        return rc;
    }
    *out = a;
    return 0;
}

int app_open(const struct cfg *cfg, struct gas_app **out)
{
    return open_app(cfg, 0, out);
}

int app_open_lazy(const struct cfg *cfg, struct gas_app **out)
{
    return open_app(cfg, 1, out);
}

void app_close(struct gas_app *a)
{
    if (!a)
        return;
    users_close(a->user_src);
    close_handles(a);
    backend_close(a->be);
    free(a);
}

int app_job_read(struct gas_app *a, const char *job_id, struct job *job, int64_t *watch_until)
{
    memset(job, 0, sizeof *job);
    if (watch_until)
        *watch_until = 0;
    cJSON *item = NULL;
    int rc = tbl_get(a->jobs, job_id, &item);
    if (rc == GAS_ENOTFOUND && !gas_err_code_has("ResourceNotFound")) /* not the table */
        return gas_err_set(GAS_ENOTFOUND, "no job %s", job_id);
    if (!rc && (rc = job_from_json(item, job)) != 0)
        gas_err_wrap(rc, "job %s", job_id);
    const cJSON *w = item ? cJSON_GetObjectItemCaseSensitive(item, TBL_WATCH_UNTIL) : NULL;
    if (!rc && watch_until && cJSON_IsNumber(w))
        *watch_until = (int64_t)w->valuedouble;
    cJSON_Delete(item);
    return rc;
}

int app_job_get(struct gas_app *a, const char *job_id, struct job *job)
{
    return app_job_read(a, job_id, job, NULL);
}

int app_user_get(struct gas_app *a, const char *user_id, struct user *user)
{
    return users_get(a->user_src, user_id, user);
}

int app_user_list(struct gas_app *a, user_each_fn each, void *arg)
{
    return users_list(a->user_src, each, arg);
}

int app_jobs_each(struct gas_app *a, const char *user_id, job_item_fn each, void *arg)
{
    char *cursor = NULL;
    int rc = 0;
    do {
        struct tbl_page pg;
        rc = user_id ? tbl_query(a->jobs, user_id, cursor, 100, &pg)
                     : tbl_scan(a->jobs, cursor, 1000, &pg);
        free(cursor);
        cursor = NULL;
        if (rc)
            return rc;
        const cJSON *item;
        cJSON_ArrayForEach(item, pg.items)
        {
            if ((rc = each(item, arg)) != 0)
                break;
        }
        cursor = !rc && pg.next ? xstrdup(pg.next) : NULL;
        tbl_page_release(&pg);
    } while (cursor);
    return rc;
}

int app_publish(struct gas_app *a, struct topic *t, const char *body)
{
    fault_point("app.publish");    /* tests: a slow publish (:sleep=S) */
    if (fault_fail("app.publish")) /* tests: a throttled or unreachable topic */
        return gas_err_set(GAS_EBUSY, "publish to %s: throttled (fault point)", t->name);
    int rc = topic_publish(t, body, NULL);
    return rc ? gas_err_wrap(rc, "publish to %s", t->name) : 0;
}

int app_queue(struct gas_app *a, int key, struct queue **q)
{
    return be_queue(a->be, cfg_str(a->cfg, (enum cfg_key)key), q);
}

int app_set_role(struct gas_app *a, const char *user_id, enum user_role to)
{
    int rc = users_set_role(a->user_src, user_id, to);
    if ((!rc || rc == GAS_ECONFLICT) && to == ROLE_PREMIUM) {
        /* upgraded, or premium already: (re)request the restore of what is archived */
        char *body = msg_restore(user_id);
        int prc = app_publish(a, a->restore, body);
        free(body);
        if (prc)
            return prc;
    }
    return rc;
}

int app_retry(struct gas_app *a, const char *job_id)
{
    struct job job;
    int rc = app_job_get(a, job_id, &job);
    if (rc)
        return rc;
    if (job.job_status == JOB_FAILED) {
        rc = job_retry(a->jobs, job_id, job.error);
        job.job_status = JOB_PENDING;
    } else if (job.job_status != JOB_PENDING) {
        rc = gas_err_set(GAS_ECONFLICT, "job %s is %s: only FAILED or PENDING jobs are retried",
                         job_id, job_status_name(job.job_status));
    }
    if (!rc) {
        char *body = msg_request(&job);
        rc = app_publish(a, a->requests, body);
        free(body);
    }
    job_release(&job);
    return rc;
}

int app_cancel(struct gas_app *a, const char *job_id, const char *was)
{
    if (was)
        return job_cancel(a->jobs, job_id, was); /* the update checks it is PENDING */
    struct job job;
    int got = app_job_get(a, job_id, &job); /* its error, to keep why it had failed */
    int rc = job_cancel(a->jobs, job_id, got ? NULL : job.error);
    if (!got)
        job_release(&job);
    return rc;
}

/* Adds the jobs of one scan page whose id starts with prefix to found. */
static int count_archived(const cJSON *item, void *arg)
{
    struct app_archived *n = arg;
    struct job job;
    if (job_from_json(item, &job) == 0) {
        n->archived += job.archive_state == ARCH_ARCHIVED;
        job_release(&job);
    } else if (n->unreadable++ == 0) {
        const char *id = json_str(item, job_attr(JF_job_id));
        snprintf(n->first_bad, sizeof n->first_bad, "%.40s: %s", id ? id : "?", gas_errmsg());
    }
    return 0;
}

int app_archived_count(struct gas_app *a, const char *user_id, struct app_archived *n)
{
    memset(n, 0, sizeof *n);
    return app_jobs_each(a, user_id, count_archived, n) ? -1 : n->archived;
}

/* The jobs whose id starts with a prefix (app_jobs_each): the first APP_JOB_MATCHES_MAX
 * kept, all counted. */
struct prefix_match {
    const char *prefix;
    cJSON *found;
    int count;
};

static int collect_prefix(const cJSON *it, void *arg)
{
    struct prefix_match *m = arg;
    const char *id = json_str(it, JOBS_KEY);
    if (id && !strncasecmp(id, m->prefix, strlen(m->prefix)) && ++m->count <= APP_JOB_MATCHES_MAX)
        cJSON_AddItemToArray(m->found, cJSON_Duplicate(it, 1));
    return 0;
}

int app_job_find(struct gas_app *app, const char *id, char **job_id, cJSON **item, cJSON **matches)
{
    *job_id = NULL;
    if (matches)
        *matches = NULL;
    if (item)
        *item = NULL;
    cJSON *got = NULL;
    int rc = tbl_get(app->jobs, id, &got);
    if (rc != GAS_ENOTFOUND || gas_err_code_has("ResourceNotFound")) {
        if (!rc)
            *job_id = xstrdup(id);
        if (!rc && item)
            *item = got; /* read once: the caller needs no second read */
        else
            cJSON_Delete(got);
        return rc;
    }
    if (strlen(id) < APP_JOB_PREFIX_MIN || strlen(id) > 36)
        return strlen(id) < APP_JOB_PREFIX_MIN
                   ? gas_err_set(GAS_EINVAL, "no job %s (a job id prefix needs %d characters)", id,
                                 APP_JOB_PREFIX_MIN)
                   : gas_err_set(GAS_ENOTFOUND, "no job %s", id);
    struct prefix_match m = {id, cJSON_CreateArray(), 0};
    cJSON *found = m.found;
    rc = app_jobs_each(app, NULL, collect_prefix, &m);
    int count = m.count;
    if (!rc && count == 0)
        rc = gas_err_set(GAS_ENOTFOUND, "no job %s", id);
    else if (!rc && count > 1)
        rc = gas_err_set(GAS_EINVAL, "job id prefix %s is ambiguous: %d jobs match", id, count);
    else if (!rc)
        *job_id = xstrdup(json_str(cJSON_GetArrayItem(found, 0), JOBS_KEY));
    if (!rc && item)
        *item = cJSON_DetachItemFromArray(found, 0);
    if (rc == GAS_EINVAL && matches)
        *matches = found;
    else
        cJSON_Delete(found);
    return rc;
}
