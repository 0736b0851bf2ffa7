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
        char name[32]; /* a deployment's longer name cut as every cut is: marked ".." */
        ui_elide(s->q[i].name, 17, name, sizeof name);
        ui_put(y, 0, "%-17s %7lld %8lld %7lld ", name, (long long)s->q[i].d.visible,
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
    int idw = 7; /* the ids' column: as wide as the longest (at most 32), so a narrow
                    screen keeps the counts */
    for (int i = 0; i < s->nworkers; i++)
        idw = (int)strlen(s->w[i].id) > idw ? (int)strlen(s->w[i].id) : idw;
    idw = idw > 32 ? 32 : idw;
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
        ui_put(y++, 0, "  %-7s %-*.*s beat %4s  msgs %lld  failed %lld",
               worker_state_name(m->snap.w[i].state), idw, idw, w->id,
               ui_age_text(s->taken - (double)w->heartbeat, a, sizeof a), (long long)w->done,
               (long long)w->failed);
        if (trouble && shown + 1 < room)
            ui_put(y++, 4, "problem: %s", w->problem), shown++;
        ui_attr(c, pair, 0);
        shown++;
    }
    return y + 1;
}

/* A line of "NAME value" counts, wrapped (indented) where the screen is too narrow for it
 * whole: no count is cut off. Returns the next line (draw 0: only counts the lines). */
static int counts(int y, int n, const char *const *part, int draw)
{
    char line[512];
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        size_t pl = strlen(part[i]);
        if (len && len + 2 + pl > (size_t)COLS) {
            if (draw)
                ui_put(y, 0, "%s", line);
            y++;
            len = (size_t)snprintf(line, sizeof line, "  %s", part[i]);
        } else {
            len +=
                (size_t)snprintf(line + len, sizeof line - len, "%s%s", len ? "  " : "", part[i]);
        }
        len = len < sizeof line ? len : sizeof line - 1;
    }
    if (draw)
        ui_put(y, 0, "%s", line);
    return y + 1;
}

/* text from line y on, wrapped at its spaces to the screen's width (the lines after the
 * first indented), over at most ALERT_LINES lines and not past line last (the last one
 * ends in ".." where text is left); the line after it. */
#define ALERT_LINES 3
static int wrapped(int y, int last, const char *text)
{
    const int indent = 7; /* under the text after "ALERT: " */
    size_t len = strlen(text), at = 0;
    for (int k = 0; at < len && k < ALERT_LINES && y < last; k++, y++) {
        int w = COLS - (k ? indent : 0);
        if (w < 10)
            w = 10;
        size_t take = len - at <= (size_t)w ? len - at : (size_t)w;
        if (at + take < len)
            for (size_t j = take; j > (size_t)w / 2; j--)
                if (text[at + j] == ' ') {
                    take = j;
                    break;
                }
        int more = at + take < len && (k == ALERT_LINES - 1 || y + 1 >= last);
        if (more && take > 2)
            take -= 2;
        ui_put(y, k ? indent : 0, "%.*s%s", (int)take, text + at, more ? ".." : "");
        at += take;
        while (at < len && text[at] == ' ')
            at++;
    }
    return y;
}

static void draw(struct console *c, const struct model *m, int y0, int h)
{
    const struct snapshot *s = &m->snap;
    int y = queues(c, m, y0);
    char p[4][5][48];
    int np[4] = {5, 5, 3, 2};
    snprintf(p[0][0], sizeof p[0][0], "JOBS %lld", (long long)s->jobs);
    snprintf(p[1][0], sizeof p[0][0], "ARCHIVE");
    for (int i = 0; i < 4; i++) {
        snprintf(p[0][i + 1], sizeof p[0][0], "%s %lld", job_status_name(i),
                 (long long)s->by_status[i]);
        snprintf(p[1][i + 1], sizeof p[0][0], "%s %lld", archive_state_name(i),
                 (long long)s->by_archive[i]);
    }
    snprintf(p[2][0], sizeof p[0][0], "THROUGHPUT");
    snprintf(p[2][1], sizeof p[0][0], "completed %.0f/min", m->completed_per_min);
    snprintf(p[2][2], sizeof p[0][0], "failed %.0f/min", m->failed_per_min);
    snprintf(p[3][0], sizeof p[0][0], "USERS %d", m->nusers);
    snprintf(p[3][1], sizeof p[0][0], "DEAD LETTERS %ld", m->dead_total);
    /* a short screen keeps the jobs' counts and the workers' line: the
     * blank line after the queues goes first, then the users', the throughput's and the
     * archive's lines */
    int need[4], last = y0 + h - 1, shown = 4; /* last: the workers' line at the latest */
    for (int k = 0; k < 4; k++) {
        const char *const row[5] = {p[k][0], p[k][1], p[k][2], p[k][3], p[k][4]};
        need[k] = counts(0, np[k], row, 0);
    }
    int total = need[0] + need[1] + need[2] + need[3];
    if (y + total > last)
        y--; /* the blank line */
    while (shown > 1 && y + total > last)
        total -= need[--shown];
    for (int k = 0; k < shown; k++) {
        const char *const row[5] = {p[k][0], p[k][1], p[k][2], p[k][3], p[k][4]};
        y = counts(y, np[k], row, 1);
    }
    /* every alert (the header has one, cut to its line) in full, wrapped at its spaces
     * over up to ALERT_LINES lines, while a line stays for the workers' counts */
    for (int i = 0; i < m->nalerts && y < last; i++) {
        int acked = console_alert_acked(c, &m->alerts[i]);
        char text[sizeof m->alerts[i].text + 32];
        snprintf(text, sizeof text, "ALERT%s %s", acked ? " (acknowledged)" : ":",
                 m->alerts[i].text);
        ui_attr(c, acked ? C_DIM : C_ALERT, 1);
        y = wrapped(y, last, text);
        ui_attr(c, acked ? C_DIM : C_ALERT, 0);
    }
    if (y < last - 1) /* a blank line before the workers where there is room for it */
        y++;
    int room = last - y; /* the workers get what is left (5: all of them) */
    workers(c, m, y, room < 0 ? 0 : room > 10 ? 10 : room);
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    return K_IGNORED;
}

static void on_model(struct console *c, const struct model *m) {}

const struct panel view_overview = {V_OVERVIEW, "Overview", draw, key_, on_model, NULL, NULL};
