/* model: see model.h. */
#include "model.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 2000000

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static void add_job(struct model *m, int *cap, const cJSON *it)
{
    if (m->njobs == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        m->jobs = xrealloc(m->jobs, (size_t)*cap * sizeof *m->jobs);
    }
    struct job_row *r = &m->jobs[m->njobs++];
    memset(r, 0, sizeof *r);
    copy(r->id, sizeof r->id, json_str(it, "job_id"));
    copy(r->user, sizeof r->user, json_str(it, "user_id"));
    copy(r->file, sizeof r->file, json_str(it, "input_file_name"));
    copy(r->worker, sizeof r->worker, json_str(it, "worker_id"));
    r->status = (signed char)job_status_parse(json_str(it, "job_status"));
    const char *a = json_str(it, "archive_state");
    r->archive = (signed char)(a                                         ? archive_state_parse(a)
                               : json_str(it, "results_file_archive_id") ? ARCH_ARCHIVED
                                                                         : ARCH_NONE);
    json_int(it, "submit_time", &r->submit);
    json_int(it, "complete_time", &r->complete);
    json_int(it, "attempts", &r->attempts);
}

static int scan_jobs(struct tbl *t, struct model *m)
{
    int cap = 0, rc = 0;
    char *cursor = NULL;
    do {
        struct tbl_page pg;
        if ((rc = tbl_scan(t, cursor, 1000, &pg)) != 0)
            break;
        free(cursor);
        cursor = pg.next ? xstrdup(pg.next) : NULL;
        cJSON *it;
        cJSON_ArrayForEach(it, pg.items)
        {
            if (m->njobs < MAX_ROWS)
                add_job(m, &cap, it);
        }
        tbl_page_release(&pg);
    } while (cursor);
    free(cursor);
    return rc;
}

struct user_acc {
    struct model *m;
    int cap;
};

static int add_user(const struct user *src, void *arg)
{
    struct user_acc *acc = arg;
    struct model *m = acc->m;
    if (m->nusers >= MAX_ROWS)
        return 1;
    if (m->nusers == acc->cap) {
        acc->cap = acc->cap ? acc->cap * 2 : 64;
        m->users = xrealloc(m->users, (size_t)acc->cap * sizeof *m->users);
    }
    struct user_row *u = &m->users[m->nusers++];
    memset(u, 0, sizeof *u);
    copy(u->id, sizeof u->id, src->user_id);
    copy(u->name, sizeof u->name, src->name);
    copy(u->email, sizeof u->email, src->email);
    u->role = (signed char)src->role;
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct user_row *)a)->id, ((const struct user_row *)b)->id);
}

/* Users sorted by id, then one binary search per job. */
static void count_user_jobs(struct model *m)
{
    if (!m->nusers)
        return;
    qsort(m->users, (size_t)m->nusers, sizeof *m->users, by_id);
    struct user_row key;
    for (int j = 0; j < m->njobs; j++) {
        memcpy(key.id, m->jobs[j].user, sizeof key.id);
        struct user_row *u = bsearch(&key, m->users, (size_t)m->nusers, sizeof *m->users, by_id);
        if (!u)
            continue;
        u->jobs++;
        u->archived += m->jobs[j].archive == ARCH_ARCHIVED;
        u->restoring += m->jobs[j].archive == ARCH_RESTORING;
    }
}

static void dead_letters(struct gas_app *app, struct model *m)
{
    for (int i = 0; i < SNAP_QUEUES; i++) {
        struct queue *q = NULL;
        struct queue_msg msgs[100];
        int n = 0;
        if (be_queue(app->be, m->snap.q[i].name, &q) || queue_dead_list(q, 100, msgs, &n)) {
            queue_close(q);
            continue;
        }
        m->dead = xrealloc(m->dead, (size_t)(m->ndead + n + 1) * sizeof *m->dead);
        for (int k = 0; k < n; k++) {
            struct dead_row *d = &m->dead[m->ndead++];
            copy(d->queue, sizeof d->queue, q->name);
            copy(d->id, sizeof d->id, msgs[k].id);
            copy(d->body, sizeof d->body, msgs[k].body);
            for (char *p = d->body; *p; p++)
                if ((unsigned char)*p < 0x20)
                    *p = ' ';
            d->receives = msgs[k].receive_count;
            d->sent = msgs[k].sent_at;
            queue_msg_release(&msgs[k]);
        }
        queue_close(q);
    }
}

int model_collect(struct gas_app *app, struct model *m)
{
    memset(m, 0, sizeof *m);
    double t0 = gas_mono();
    int rc = snapshot_collect(app, &m->snap, 0); /* jobs are counted from the rows below */
    int r2 = scan_jobs(app->jobs, m);
    for (int i = 0; i < m->njobs; i++)
        snapshot_count_job(&m->snap, m->jobs[i].status, m->jobs[i].archive);
    if (r2 && !m->snap.error[0])
        snprintf(m->snap.error, sizeof m->snap.error, "jobs: %s", gas_errmsg());
    struct user_acc acc = {m, 0};
    r2 = app_user_list(app, add_user, &acc);
    if (r2 && !m->snap.error[0])
        snprintf(m->snap.error, sizeof m->snap.error, "users: %s", gas_errmsg());
    count_user_jobs(m);
    dead_letters(app, m);
    m->collect_seconds = gas_mono() - t0;
    return rc ? rc : m->snap.error[0] ? GAS_EIO : 0;
}

void model_free(struct model *m)
{
    free(m->jobs);
    free(m->users);
    free(m->dead);
    memset(m, 0, sizeof *m);
}

void model_history(struct model *m, int64_t hist[SNAP_QUEUES][HISTORY], int *n)
{
    for (int q = 0; q < SNAP_QUEUES; q++) {
        if (*n == HISTORY)
            memmove(hist[q], hist[q] + 1, (HISTORY - 1) * sizeof hist[q][0]);
        hist[q][*n == HISTORY ? HISTORY - 1 : *n] = m->snap.q[q].d.visible;
    }
    if (*n < HISTORY)
        (*n)++;
    memcpy(m->history, hist, sizeof m->history);
    m->nhistory = *n;
}

cJSON *model_json(const struct model *m)
{
    cJSON *j = snapshot_json(&m->snap);
    cJSON *us = cJSON_AddArrayToObject(j, "users");
    for (int i = 0; i < m->nusers; i++) {
        cJSON *u = cJSON_CreateObject();
        cJSON_AddStringToObject(u, "user_id", m->users[i].id);
        cJSON_AddStringToObject(u, "role", user_role_name((enum user_role)m->users[i].role));
        cJSON_AddNumberToObject(u, "jobs", m->users[i].jobs);
        cJSON_AddNumberToObject(u, "archived", m->users[i].archived);
        cJSON_AddItemToArray(us, u);
    }
    cJSON_AddNumberToObject(j, "dead_letters", m->ndead);
    return j;
}
