/* view_workers: every gasd that recorded itself, alive (green), lost (red: no heartbeat
 * for 3 intervals, e.g. killed) or stopped (dim: a clean exit). */
#include "console.h"

#include <stdlib.h>
#include <string.h>

#define W(m, i) (&(m)->snap.w[i])

static int cmp_int(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}
static int c_state(const struct model *m, int a, int b)
{
    return (int)m->snap.w[a].state - (int)m->snap.w[b].state;
}
static int c_id(const struct model *m, int a, int b)
{
    return strcmp(W(m, a)->id, W(m, b)->id);
}
static int c_host(const struct model *m, int a, int b)
{
    return strcmp(W(m, a)->host, W(m, b)->host);
}
static int c_pid(const struct model *m, int a, int b)
{
    return cmp_int(W(m, a)->pid, W(m, b)->pid);
}
static int c_beat(const struct model *m, int a, int b)
{
    return cmp_int(W(m, b)->heartbeat, W(m, a)->heartbeat);
}
static int c_done(const struct model *m, int a, int b)
{
    return cmp_int(W(m, a)->done, W(m, b)->done);
}
static int c_failed(const struct model *m, int a, int b)
{
    return cmp_int(W(m, a)->failed, W(m, b)->failed);
}
static int c_up(const struct model *m, int a, int b)
{
    return cmp_int(W(m, b)->started, W(m, a)->started);
}

enum { COL_STATE, COL_ID, COL_SHORT, COL_HOST, COL_PID, COL_BEAT, COL_UP, COL_DONE, COL_FAILED };
static const struct column cols[] = {
    [COL_STATE] = {"STATE", 7, 0, 0, 0, c_state},
    [COL_ID] = {"WORKER", 36, 100, 0, 0, c_id},
    [COL_SHORT] = {"WORKER", 18, 0, 99, 0, c_id},
    [COL_HOST] = {"HOST", 14, 120, 0, 0, c_host},
    [COL_PID] = {"PID", 7, 70, 0, 1, c_pid},
    [COL_BEAT] = {"BEAT", 5, 0, 0, 1, c_beat},
    [COL_UP] = {"UP", 5, 80, 0, 1, c_up},
    [COL_DONE] = {"DONE", 6, 0, 0, 1, c_done},
    [COL_FAILED] = {"FAILED", 6, 60, 0, 1, c_failed},
};

static int count(const struct model *m)
{
    return m->snap.nworkers;
}

static const char *key(const struct model *m, int row)
{
    return W(m, row)->id;
}

static void cell(const struct model *m, int row, int col, double now, char *buf, size_t n)
{
    const struct snap_worker *w = W(m, row);
    switch (col) {
    case COL_STATE: snprintf(buf, n, "%s", worker_state_name(m->snap.w[row].state)); break;
    case COL_ID: snprintf(buf, n, "%s", w->id); break;
    case COL_SHORT: snprintf(buf, n, "%s", w->id); break;
    case COL_HOST: snprintf(buf, n, "%s", w->host); break;
    case COL_PID: snprintf(buf, n, "%lld", (long long)w->pid); break;
    case COL_BEAT: ui_age_text(m->snap.taken - (double)w->heartbeat, buf, n); break;
    case COL_UP: ui_age_text(m->snap.taken - (double)w->started, buf, n); break;
    case COL_DONE: snprintf(buf, n, "%lld", (long long)w->done); break;
    default: snprintf(buf, n, "%lld", (long long)w->failed); break;
    }
}

static int pair(const struct model *m, int row)
{
    return m->snap.w[row].state == WORKER_ALIVE  ? C_OK
           : m->snap.w[row].state == WORKER_LOST ? C_BAD
                                                 : C_DIM;
}

const struct list_type worker_rows = {
    "workers", cols, (int)(sizeof cols / sizeof *cols), count, key, cell, pair, COL_STATE, 0, NULL,
};

static struct ui_list *list(struct console *c)
{
    return &c->lists[V_WORKERS];
}

static void on_model(struct console *c, const struct model *m)
{
    list_sync(list(c), m, NULL);
}

static void draw(struct console *c, const struct model *m, int y, int h)
{
    list_draw(c, list(c), m, y, h);
    if (!m->snap.nworkers)
        ui_put(y + 2, 2, "no worker has recorded itself: start gasd");
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    return K_IGNORED;
}

const struct panel view_workers = {V_WORKERS, "Workers", draw, key_, on_model, list};
