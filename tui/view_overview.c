/* view_overview: queue depths with the history of the samples that fit (the span they
 * cover in the heading, the scale after them, zero drawn as a baseline), workers by state, jobs by
 * status and archive state, throughput. */
#include "console.h"

#include <curses.h>
#include <string.h>

static void spark(struct console *c, int y, int x, const int64_t *h, int n, int width)
{
    static const char *blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                   "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[] = "_.:-=+*#";
    char scale[32];
    int64_t max = 0;
    int from = n > width - 9 ? n - (width - 9) : 0;
    for (int i = from; i < n; i++)
        max = h[i] > max ? h[i] : max;
    if (width < 12)
        return;
    int k = 0;
    for (int i = from; i < n; i++, k++) {
        int lvl = h[i] <= 0 ? 0 : 1 + (int)(h[i] * 6 / max); /* 0: the baseline */
        ui_attr(c, h[i] ? C_BUSY : C_DIM, 1);
        if (c->utf8)
            mvaddstr(y, x + k, blocks[lvl]);
        else
            mvaddch(y, x + k, (chtype)ascii[lvl]);
        ui_attr(c, h[i] ? C_BUSY : C_DIM, 0);
    }
    snprintf(scale, sizeof scale, " max %lld", (long long)max);
    ui_put(y, x + k, "%s", scale);
}

static int queues(struct console *c, const struct model *m, int y)
{
    const struct snapshot *s = &m->snap;
    /* the span the sparkline covers: the samples that fit, oldest to now */
    int width = COLS - 50, n = m->hist.n, from = n > width - 9 ? n - (width - 9) : 0;
    char span[32] = "";
    if (width >= 12 && n > 1) {
        char a[16];
        snprintf(span, sizeof span, " (last %s)",
                 ui_age_text(m->hist.t[n - 1] - m->hist.t[from], a, sizeof a));
    }
    ui_attr(c, C_HEAD, 1);
    ui_put(y++, 0, "%-17s %7s %8s %7s %5s%s%s", "QUEUE", "VISIBLE", "INFLIGHT", "DELAYED", "DEAD",
           width >= 12 ? "  WORK" : "", span); /* narrower: no room for the sparkline */
    ui_attr(c, C_HEAD, 0);
    for (int i = 0; i < s->nq; i++, y++) {
        ui_put(y, 0, "%-17.17s %7lld %8lld %7lld ", s->q[i].name, (long long)s->q[i].d.visible,
               (long long)s->q[i].d.in_flight, (long long)s->q[i].d.delayed);
        ui_attr(c, s->q[i].d.dead ? C_BAD : 0, 1);
        ui_put(y, 43, "%5lld", (long long)s->q[i].d.dead);
        ui_attr(c, s->q[i].d.dead ? C_BAD : 0, 0);
        spark(c, y, 50, m->hist.work[i], m->hist.n, COLS - 50);
    }
    return y + 1;
}

static int workers(struct console *c, const struct model *m, int y, int room)
{
    const struct snapshot *s = &m->snap;
    int n[WORKER_NSTATES] = {0};
    for (int i = 0; i < s->nworkers; i++)
        n[m->snap.w[i].state]++;
    ui_attr(c, C_HEAD, 1);
    char failed[32] = "";
    if (n[WORKER_FAILED])
        snprintf(failed, sizeof failed, "  %d failed", n[WORKER_FAILED]);
    ui_put(y++, 0, "WORKERS  %d alive  %d lost  %d stopped%s   (5: the list)", n[WORKER_ALIVE],
           n[WORKER_LOST], n[WORKER_STOPPED], failed);
    ui_attr(c, C_HEAD, 0);
    for (int i = 0, shown = 0; i < s->nworkers && shown < room; i++) {
        if (m->snap.w[i].state == WORKER_STOPPED && s->nworkers > room)
            continue; /* stopped workers give way when space is short */
        const struct snap_worker *w = &s->w[i];
        char a[16];
        int trouble = WORKER_SHOWS_PROBLEM(w);
        int pair = w->state == WORKER_FAILED            ? C_BAD
                   : trouble                            ? C_BUSY
                   : m->snap.w[i].state == WORKER_ALIVE ? C_OK
                   : m->snap.w[i].state == WORKER_LOST  ? C_BAD
                                                        : C_DIM;
        ui_attr(c, pair, 1);
        ui_put(y++, 0, "  %-7s %-32.32s beat %4s  done %lld  failed %lld",
               worker_state_name(m->snap.w[i].state), w->id,
               ui_age_text(s->taken - (double)w->heartbeat, a, sizeof a), (long long)w->done,
               (long long)w->failed);
        if (trouble && shown + 1 < room)
            ui_put(y++, 4, "problem: %s", w->problem), shown++;
        ui_attr(c, pair, 0);
        shown++;
    }
    return y + 1;
}

static void draw(struct console *c, const struct model *m, int y0, int h)
{
    const struct snapshot *s = &m->snap;
    int y = queues(c, m, y0);
    ui_put(y++, 0, "JOBS %lld  PENDING %lld  RUNNING %lld  COMPLETED %lld  FAILED %lld",
           (long long)s->jobs, (long long)s->by_status[0], (long long)s->by_status[1],
           (long long)s->by_status[2], (long long)s->by_status[3]);
    ui_put(y++, 0, "ARCHIVE  NONE %lld  ARCHIVING %lld  ARCHIVED %lld  RESTORING %lld",
           (long long)s->by_archive[0], (long long)s->by_archive[1], (long long)s->by_archive[2],
           (long long)s->by_archive[3]);
    ui_put(y++, 0, "THROUGHPUT  completed %.0f/min  failed %.0f/min", m->completed_per_min,
           m->failed_per_min);
    ui_put(y++, 0, "USERS %d  DEAD LETTERS %ld", m->nusers, m->dead_total);
    for (int i = 0; i < m->nalerts && y < y0 + h - 2; i++) { /* all of them: the header has one */
        int acked = console_alert_acked(c, &m->alerts[i]);
        ui_attr(c, acked ? C_DIM : C_ALERT, 1);
        ui_put(y++, 0, "ALERT%s %s", acked ? " (acknowledged)" : ":", m->alerts[i].text);
        ui_attr(c, acked ? C_DIM : C_ALERT, 0);
    }
    y++;
    int room = y0 + h - y - 1; /* the workers get what is left (5: all of them) */
    workers(c, m, y, room < 1 ? 1 : room > 10 ? 10 : room);
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    return K_IGNORED;
}

static void on_model(struct console *c, const struct model *m) {}

const struct panel view_overview = {V_OVERVIEW, "Overview", draw, key_, on_model, NULL, NULL};
