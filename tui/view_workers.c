/* view_workers: every gasd that recorded itself, alive (green; yellow when it reports a
 * problem, e.g. annotation sources it cannot load: the PROBLEM column, and the selected
 * worker's whole text under the list), lost (red: no heartbeat for 3 intervals, e.g.
 * killed) or stopped (dim: a clean exit). */
#include "console.h"

#include <curses.h>

#include <stdlib.h>
#include <string.h>

#define W(m, i) (&(m)->snap.w[i])

static int cmp_int(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}
/* alive, then lost (what needs a look), then stopped, as gas workers lists them */
static int state_rank(enum worker_state st)
{
    return st == WORKER_ALIVE ? 0 : st == WORKER_FAILED ? 1 : st == WORKER_LOST ? 2 : 3;
}
static int c_state(const struct model *m, int a, int b)
{
    return state_rank(m->snap.w[a].state) - state_rank(m->snap.w[b].state);
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
static int c_problem(const struct model *m, int a, int b)
{
    return strcmp(W(m, a)->problem, W(m, b)->problem);
}

enum {
    COL_STATE,
    COL_ID,
    COL_SHORT,
    COL_HOST,
    COL_PID,
    COL_BEAT,
    COL_UP,
    COL_DONE,
    COL_FAILED,
    COL_PROBLEM
};
static const struct column cols[] = {
    [COL_STATE] = {"STATE", 7, 0, 0, 0, c_state},
    [COL_ID] = {"WORKER", 36, 100, 0, 0, c_id},
    [COL_SHORT] = {"WORKER", 18, 0, 99, 0, c_id},
    [COL_HOST] = {"HOST", 14, 120, 0, 0, c_host},
    [COL_PID] = {"PID", 7, 70, 0, 1, c_pid},
    [COL_BEAT] = {"BEAT", 5, 0, 0, 1, c_beat},
    [COL_UP] = {"UP", 4, 80, 0, 1, c_up},             /* "119m", "47h", "999d" (cli_age) */
    [COL_DONE] = {"MSGS", 6, 0, 0, 1, c_done},        /* messages handled, not jobs */
    [COL_FAILED] = {"FAILED", 7, 60, 0, 1, c_failed}, /* 7: room for the sort mark (UP gave it) */
    [COL_PROBLEM] = {"PROBLEM", 0, 0, 0, 0, c_problem},
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
    case COL_UP: /* a gone worker: how long it ran, up to its last heartbeat */
        ui_age_text((w->state == WORKER_ALIVE ? m->snap.taken : (double)w->heartbeat) -
                        (double)w->started,
                    buf, n);
        break;
    case COL_DONE: snprintf(buf, n, "%lld", (long long)w->done); break;
    case COL_FAILED: snprintf(buf, n, "%lld", (long long)w->failed); break;
    default: snprintf(buf, n, "%s", WORKER_SHOWS_PROBLEM(w) ? w->problem : ""); break;
    }
}

static int has_problem(const struct snap_worker *w)
{
    return WORKER_SHOWS_PROBLEM(w);
}

static int pair(const struct model *m, int row)
{
    return m->snap.w[row].state == WORKER_FAILED  ? C_BAD
           : has_problem(W(m, row))               ? C_BUSY
           : m->snap.w[row].state == WORKER_ALIVE ? C_OK
           : m->snap.w[row].state == WORKER_LOST  ? C_BAD
                                                  : C_DIM;
}

static const char *extra(const struct model *m, int row, int i)
{
    return i == 0 && has_problem(W(m, row)) ? W(m, row)->problem : NULL;
}

const struct list_type worker_rows = {
    "workers", cols, (int)(sizeof cols / sizeof *cols), count, key, cell, pair, COL_STATE, 0,
    extra,     NULL,
};

static struct ui_list *list(struct console *c)
{
    return &c->lists[V_WORKERS];
}

static void on_model(struct console *c, const struct model *m)
{
    list_sync(list(c), m, NULL);
}

/* Lines of at most width characters, broken at spaces: the next line's start, or NULL. */
static const char *wrap(const char *p, int width, int *len)
{
    int n = (int)strlen(p);
    *len = n;
    if (n <= width)
        return NULL;
    *len = width;
    for (int i = width; i > width / 2; i--)
        if (p[i] == ' ') {
            *len = i;
            break;
        }
    return p + *len + (p[*len] == ' ');
}

/* The selected worker's problem, whole, under the list (up to 4 lines). */
static void draw(struct console *c, const struct model *m, int y, int h)
{
    int cur = list_current(list(c));
    const char *p = cur >= 0 && has_problem(W(m, cur)) ? W(m, cur)->problem : NULL;
    int lines = 0, width = COLS - 9, len;
    for (const char *q = p; q && width > 10 && lines < 4; q = wrap(q, width, &len))
        lines++;
    if (h - lines < 4)
        lines = 0;
    list_draw(c, list(c), m, y, h - lines);
    ui_attr(c, C_BUSY, 1);
    const char *q = p;
    for (int i = 0; i < lines && q; i++) {
        const char *next = wrap(q, width, &len);
        ui_put(y + h - lines + i, i ? 9 : 0, "%s%.*s", i ? "" : "problem: ", len, q);
        q = next;
    }
    ui_attr(c, C_BUSY, 0);
    if (!m->snap.nworkers)
        ui_put(y + 2, 2, "no worker has recorded itself: start gasd");
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    return K_IGNORED;
}

const struct panel view_workers = {V_WORKERS, "Workers", draw, key_, on_model, list, NULL};
