/* snapshot: see snapshot.h. */
#include "snapshot.h"

#include "cli.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

static const enum cfg_key queue_keys[SNAP_QUEUES] = {CFG_REQUESTS_QUEUE, CFG_NOTIFY_QUEUE,
                                                     CFG_ARCHIVE_QUEUE,  CFG_RESTORE_QUEUE,
                                                     CFG_THAW_QUEUE,     CFG_SES_EVENTS_QUEUE};

/* The SES events queue is watched where SES is used: gasd reads it (ses_events_threads) or
 * sends email through SES (notify_via = ses). */
static int queues_watched(const struct cfg *cfg)
{
    int ses =
        cfg_int(cfg, CFG_SES_EVENTS_THREADS) > 0 || !strcmp(cfg_str(cfg, CFG_NOTIFY_VIA), "ses");
    return SNAP_QUEUES - !ses;
}

static void fail(struct snapshot *s, const char *what)
{
    if (!s->error[0])
        snprintf(s->error, sizeof s->error, "%s: %s", what, gas_errmsg());
}

static void workers(struct gas_app *app, struct snapshot *s)
{
    struct worker_rec *v = NULL;
    int n = 0;
    int rc = workers_list_seen(app, s->taken, 0, &v, &n);
    if (rc == GAS_ENOTFOUND) { /* not made yet: no worker, and no error (gas status is the
                                  check before a deployment's switch-over: migrate.md) */
        s->workers_missing = 1;
        gas_err_clear();
        return;
    }
    if (rc) {
        fail(s, "workers");
        s->failed |= SNAP_F_WORKERS;
        return;
    }
    for (int i = 0; i < n && s->nworkers < SNAP_WORKERS; i++) {
        struct snap_worker *w = &s->w[s->nworkers++];
        snprintf(w->id, sizeof w->id, "%s", v[i].id);
        snprintf(w->host, sizeof w->host, "%s", v[i].host);
        snprintf(w->status, sizeof w->status, "%s", v[i].status);
        w->pid = v[i].pid;
        w->started = v[i].started;
        w->heartbeat = v[i].heartbeat;
        w->done = v[i].done;
        w->failed = v[i].failed;
        w->state = v[i].state;
        w->gone_here = v[i].gone_here;
        snprintf(w->problem, sizeof w->problem, "%s", v[i].problem);
    }
    free(v);
}

static void jobs(struct gas_app *app, struct snapshot *s)
{
    char *cursor = NULL;
    do {
        struct tbl_page pg;
        if (tbl_scan(app->jobs, cursor, 1000, &pg)) {
            fail(s, "jobs");
            s->failed |= SNAP_F_JOBS;
            break;
        }
        free(cursor);
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            snapshot_count_job(s, job_status_parse(json_str(it, "job_status")),
                               job_item_archive(it));
        }
        tbl_page_release(&pg);
    } while (cursor);
    free(cursor);
}

void snapshot_count_job(struct snapshot *s, int status, int archive)
{
    s->jobs++;
    if (status >= 0 && status < 4)
        s->by_status[status]++;
    if (archive >= 0 && archive < 4)
        s->by_archive[archive]++;
}

int snapshot_collect(struct gas_app *app, struct snapshot *s, int with_jobs)
{
    memset(s, 0, sizeof *s);
    s->taken = gas_now();
    s->nq = queues_watched(app->cfg);
    for (int i = 0; i < s->nq; i++) {
        struct snap_queue *sq = &s->q[i];
        snprintf(sq->name, sizeof sq->name, "%s", cfg_str(app->cfg, queue_keys[i]));
        struct queue *q = NULL;
        sq->ok = !app_queue(app, queue_keys[i], &q) && !queue_depths(q, &sq->d);
        if (!sq->ok) {
            fail(s, sq->name);
            s->failed |= SNAP_F_QUEUES;
        }
        queue_close(q);
    }
    workers(app, s);
    if (with_jobs)
        jobs(app, s);
    return s->error[0] ? GAS_EIO : 0;
}

int snapshot_worker_alive(const struct snapshot *s, const struct snap_worker *w, int interval)
{
    return worker_state_of(w->status, w->heartbeat, s->taken, interval) == WORKER_ALIVE;
}

cJSON *snapshot_json(const struct snapshot *s)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "taken", s->taken);
    cJSON *qs = cJSON_AddArrayToObject(j, "queues");
    for (int i = 0; i < s->nq; i++) {
        cJSON *q = cJSON_CreateObject();
        cJSON_AddStringToObject(q, "name", s->q[i].name);
        cJSON_AddNumberToObject(q, "visible", (double)s->q[i].d.visible);
        cJSON_AddNumberToObject(q, "in_flight", (double)s->q[i].d.in_flight);
        cJSON_AddNumberToObject(q, "delayed", (double)s->q[i].d.delayed);
        cJSON_AddNumberToObject(q, "dead", (double)s->q[i].d.dead);
        cJSON_AddItemToArray(qs, q);
    }
    cJSON *ws = cJSON_AddArrayToObject(j, "workers");
    for (int i = 0; i < s->nworkers; i++) {
        const struct snap_worker *w = &s->w[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "worker_id", w->id);
        cJSON_AddStringToObject(o, "host", w->host);
        cJSON_AddNumberToObject(o, "pid", (double)w->pid);
        cJSON_AddStringToObject(o, "status", w->status);
        cJSON_AddStringToObject(o, "state", worker_state_name(w->state));
        cJSON_AddNumberToObject(o, "heartbeat_age", s->taken - (double)w->heartbeat);
        cJSON_AddNumberToObject(o, "done", (double)w->done);
        cJSON_AddNumberToObject(o, "failed", (double)w->failed);
        if (w->problem[0])
            cJSON_AddStringToObject(o, "problem", w->problem);
        cJSON_AddItemToArray(ws, o);
    }
    cJSON *js = cJSON_AddObjectToObject(j, "jobs");
    cJSON_AddNumberToObject(js, "total", (double)s->jobs);
    for (int i = 0; i < 4; i++)
        cJSON_AddNumberToObject(js, job_status_name((enum job_status)i), (double)s->by_status[i]);
    cJSON *as = cJSON_AddObjectToObject(j, "archive_state");
    for (int i = 0; i < 4; i++)
        cJSON_AddNumberToObject(as, archive_state_name((enum archive_state)i),
                                (double)s->by_archive[i]);
    if (s->error[0])
        cJSON_AddStringToObject(j, "error", s->error);
    return j;
}

void snapshot_print(const struct snapshot *s, FILE *out)
{
    fprintf(out, "%-24s %8s %9s %8s %6s\n", "queue", "visible", "in-flight", "delayed", "dead");
    for (int i = 0; i < s->nq; i++)
        fprintf(out, "%-24s %8lld %9lld %8lld %6lld\n", s->q[i].name, (long long)s->q[i].d.visible,
                (long long)s->q[i].d.in_flight, (long long)s->q[i].d.delayed,
                (long long)s->q[i].d.dead);
    fprintf(out, "\n%-32s %-8s %9s %7s %7s\n", "worker", "state", "heartbeat", "msgs", "failed");
    for (int i = 0; i < s->nworkers; i++) {
        char age[16]; /* as gas workers says it */
        cli_age(s->taken - (double)s->w[i].heartbeat, age, sizeof age);
        fprintf(out, "%-32s %-8s %9s %7lld %7lld\n", s->w[i].id, worker_state_name(s->w[i].state),
                age, (long long)s->w[i].done, (long long)s->w[i].failed);
    }
    for (int i = 0; i < s->nworkers; i++)
        if (WORKER_SHOWS_PROBLEM(&s->w[i]))
            fprintf(out, "problem on %s: %s\n", s->w[i].id, s->w[i].problem);
    fprintf(out, "\njobs %lld: PENDING %lld, RUNNING %lld, COMPLETED %lld, FAILED %lld\n",
            (long long)s->jobs, (long long)s->by_status[0], (long long)s->by_status[1],
            (long long)s->by_status[2], (long long)s->by_status[3]);
    fprintf(out, "archive: NONE %lld, ARCHIVING %lld, ARCHIVED %lld, RESTORING %lld\n",
            (long long)s->by_archive[0], (long long)s->by_archive[1], (long long)s->by_archive[2],
            (long long)s->by_archive[3]);
    if (s->error[0])
        fprintf(out, "error: %s\n", s->error);
}
