/* workers: see include/gas/workers.h. */
#include "gas/workers.h"

#include "gas/app.h"
#include "gas/config.h"
#include "gas/json.h"
#include "gas/util.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const state_names[] = {"alive", "stopped", "lost", "failed"};

const char *worker_state_name(enum worker_state st)
{
    return (unsigned)st < WORKER_NSTATES ? state_names[st] : "?";
}

enum worker_state worker_state_of(const char *status, int64_t heartbeat, double now,
                                  int64_t interval)
{
    if (status && !strcmp(status, "stopped"))
        return WORKER_STOPPED;
    if (status && !strcmp(status, "failed"))
        return WORKER_FAILED;
    if (now - (double)heartbeat > (double)(WORKER_LOST_BEATS * interval))
        return WORKER_LOST;
    return WORKER_ALIVE;
}

static void copy(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "?");
}

void worker_rec_from_json(const cJSON *it, double now, int64_t interval, struct worker_rec *w)
{
    memset(w, 0, sizeof *w);
    copy(w->id, sizeof w->id, json_str(it, "worker_id"));
    copy(w->host, sizeof w->host, json_str(it, "host"));
    copy(w->status, sizeof w->status, json_str(it, "status"));
    const char *problem = json_str(it, "problem");
    snprintf(w->problem, sizeof w->problem, "%s", problem ? problem : "");
    json_int(it, "pid", &w->pid);
    json_int(it, "started", &w->started);
    json_int(it, "heartbeat", &w->heartbeat);
    const cJSON *f;
    cJSON_ArrayForEach(f, it)
    {
        if (!cJSON_IsNumber(f))
            continue;
        if (!strncmp(f->string, "done_", 5))
            w->done += (int64_t)f->valuedouble;
        else if (!strncmp(f->string, "failed_", 7))
            w->failed += (int64_t)f->valuedouble;
    }
    int64_t own = 0; /* the interval the worker beats at, when it says (its config's) */
    if (json_int(it, "heartbeat_interval", &own) == 0 && own > 0)
        interval = own;
    w->age = now - (double)w->heartbeat;
    w->state = worker_state_of(json_str(it, "status"), w->heartbeat, now, interval);
}

int worker_rec_check_here(struct worker_rec *w)
{
    char host[256] = "";
    if ((w->state != WORKER_ALIVE && w->state != WORKER_LOST) || w->pid <= 1 ||
        w->pid > INT32_MAX || gethostname(host, sizeof host - 1) != 0 || strcmp(host, w->host))
        return 0;
    if (kill((pid_t)w->pid, 0) == 0 || errno != ESRCH)
        return 0; /* running (or not ours to signal: EPERM) */
    int was = w->state;
    w->state = WORKER_LOST;
    w->gone_here = 1;
    return was != WORKER_LOST;
}

int worker_rec_forgotten(const struct worker_rec *w, int64_t forget_s)
{
    return w->state != WORKER_ALIVE && w->age > (double)forget_s;
}

static int by_state(const void *a, const void *b)
{
    static const int rank[] = {
        [WORKER_ALIVE] = 0, [WORKER_FAILED] = 1, [WORKER_LOST] = 2, [WORKER_STOPPED] = 3};
    const struct worker_rec *x = a, *y = b;
    if (rank[x->state] != rank[y->state])
        return rank[x->state] - rank[y->state];
    return strcmp(x->id, y->id);
}

static int list(struct gas_app *app, double now, int all, int seen, struct worker_rec **out, int *n)
{
    int64_t interval = cfg_int(app->cfg, CFG_HEARTBEAT_INTERVAL);
    int64_t forget = cfg_int(app->cfg, CFG_WORKER_FORGET);
    size_t cap = 16;
    struct worker_rec *v = xmalloc(cap * sizeof *v);
    char *cursor = NULL;
    int rc = 0;
    *n = 0;
    do {
        struct tbl_page pg;
        if ((rc = tbl_scan(app->workers, cursor, 100, &pg)) != 0)
            break;
        free(cursor);
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        const cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            if ((size_t)*n == cap)
                v = xrealloc(v, (cap *= 2) * sizeof *v);
            worker_rec_from_json(it, now, interval, &v[*n]);
            if (seen)
                worker_rec_check_here(&v[*n]);
            if (all || !worker_rec_forgotten(&v[*n], forget))
                (*n)++;
        }
        tbl_page_release(&pg);
    } while (cursor);
    free(cursor);
    if (rc) {
        free(v);
        *n = 0;
        v = NULL;
    } else {
        qsort(v, (size_t)*n, sizeof *v, by_state);
    }
    *out = v;
    return rc;
}

int workers_list(struct gas_app *app, double now, int all, struct worker_rec **out, int *n)
{
    return list(app, now, all, 0, out, n);
}

int workers_list_seen(struct gas_app *app, double now, int all, struct worker_rec **out, int *n)
{
    return list(app, now, all, 1, out, n);
}

int workers_prune(struct gas_app *app, double now, int *removed)
{
    struct worker_rec *v = NULL;
    int n = 0, gone = 0, rc = workers_list_seen(app, now, 1, &v, &n);
    for (int i = 0; !rc && i < n; i++) {
        if (v[i].state == WORKER_ALIVE)
            continue;
        rc = tbl_delete(app->workers, v[i].id);
        if (!rc)
            gone++;
    }
    free(v);
    if (removed)
        *removed = gone;
    return rc;
}
