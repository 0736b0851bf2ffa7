/* console: `gas console`, the ncurses admin console, and `gas top -b`, its batch mode.
 *
 * Threads: a collector thread builds a fresh model (model.c) every console_refresh
 * seconds, or at once when asked, and publishes it under `lock`; the UI thread only draws
 * the latest model and runs actions (which are short backend calls). The lock guards
 * `latest`, `held`, `gen`, `want`, `stop` and `paused`. A published model is never
 * changed. The UI marks the model it works on as `held` while it draws or waits for a
 * confirmation; the collector frees a replaced model only if it is not held, and the UI
 * frees the one it held when it lets go of a model that was replaced meanwhile.
 * Shutdown: `stop` + signal, then join. Drawing: the whole screen is composed each frame
 * into curses' virtual screen and doupdate() sends only what changed. */
#include "cli.h"
#include "commands.h"
#include "model.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/msg.h"
#include "gas/log.h"
#include "gas/util.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum view { V_OVERVIEW, V_JOBS, V_USERS, V_DEAD, V_COUNT };
static const char *view_names[] = {"Overview", "Jobs", "Users", "Dead letters"};

struct console {
    struct gas_app *app;
    const struct cfg *cfg;
    int read_only, color, utf8;
    double interval;
    /* shared with the collector */
    pthread_mutex_t lock;
    pthread_cond_t cv;
    struct model *latest, *held;
    unsigned long gen;
    int want, stop, paused;
    char error[256]; /* the last collection's failure, while the last good model stays up */
    int64_t hist[SNAP_QUEUES][HISTORY];
    int nhist;
    pthread_t th;
    /* UI state */
    enum view view;
    int sel[V_COUNT], top[V_COUNT];
    char sel_job[37], sel_user[40], sel_dead[40];
    char filter[64];
    int sort, sort_desc, detail;
    char status[256];
    int quit;
    char log_job[37]; /* the job whose log tail is cached in log_text */
    char *log_text;
    double draw_ms;
};

/* ------------------------------------------------------------------ collector */

static void *collector(void *arg)
{
    struct console *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        pthread_mutex_unlock(&c->lock);
        struct model *m = xcalloc(1, sizeof *m);
        model_collect(c->app, m);
        pthread_mutex_lock(&c->lock);
        if (m->snap.error[0] && c->latest) {
            /* keep showing the last good data, aging, with the error above it */
            snprintf(c->error, sizeof c->error, "%s", m->snap.error);
            model_free(m);
            free(m);
        } else {
            c->error[0] = 0;
            model_history(m, c->hist, &c->nhist);
            struct model *old = c->latest;
            c->latest = m;
            if (old && old != c->held) {
                model_free(old);
                free(old);
            }
        }
        c->gen++;
        c->want = 0;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        long ns = until.tv_nsec + (long)((c->interval - (long)c->interval) * 1e9);
        until.tv_sec += (long)c->interval + ns / 1000000000L;
        until.tv_nsec = ns % 1000000000L;
        while (!c->stop && !c->want &&
               (c->paused || pthread_cond_timedwait(&c->cv, &c->lock, &until) == 0))
            if (c->paused)
                pthread_cond_wait(&c->cv, &c->lock);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

static void request_refresh(struct console *c)
{
    pthread_mutex_lock(&c->lock);
    c->want = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->lock);
}

/* ------------------------------------------------------------------ drawing helpers */

enum { C_OK = 1, C_BAD, C_BUSY, C_COLD, C_HEAD, C_SEL, C_DIM };

static void attr(struct console *c, int pair, int on)
{
    if (c->color && pair)
        (on ? attron : attroff)(COLOR_PAIR(pair));
    if (pair == C_HEAD || pair == C_SEL)
        (on ? attron : attroff)(pair == C_SEL ? A_REVERSE : A_BOLD);
}

static int status_pair(int status, int archive)
{
    if (status == JOB_FAILED)
        return C_BAD;
    if (status == JOB_RUNNING || status == JOB_PENDING || archive == ARCH_RESTORING ||
        archive == ARCH_ARCHIVING)
        return C_BUSY;
    if (archive == ARCH_ARCHIVED)
        return C_COLD;
    return C_OK;
}

/* Writes text clipped to the screen width from (y, x). */
static void put(int y, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(int y, int x, const char *fmt, ...)
{
    int w = COLS - x;
    if (y < 0 || y >= LINES || w <= 0)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    mvaddnstr(y, x, buf, w);
}

static void spark(struct console *c, int y, int x, const int64_t *h, int n, int width)
{
    static const char *blocks[] = {" ",      "\u2581", "\u2582", "\u2583", "\u2584",
                                   "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[] = " .:-=+*#%";
    int64_t max = 1;
    int from = n > width ? n - width : 0;
    for (int i = from; i < n; i++)
        if (h[i] > max)
            max = h[i];
    for (int i = from, k = 0; i < n && x + k < COLS; i++, k++) {
        int lvl = (int)((h[i] * 8 + max - 1) / max);
        if (c->utf8)
            mvaddstr(y, x + k, blocks[lvl]);
        else
            mvaddch(y, x + k, (chtype)ascii[lvl]);
    }
}

static const char *age(double seconds, char *buf, size_t n)
{
    if (seconds < 120)
        snprintf(buf, n, "%.0fs", seconds);
    else if (seconds < 7200)
        snprintf(buf, n, "%.0fm", seconds / 60);
    else
        snprintf(buf, n, "%.0fh", seconds / 3600);
    return buf;
}

/* ------------------------------------------------------------------ views */

static void draw_overview(struct console *c, const struct model *m, int y0)
{
    const struct snapshot *s = &m->snap;
    int y = y0;
    attr(c, C_HEAD, 1);
    put(y++, 0, "%-22s %8s %9s %8s %5s  %s", "queue", "visible", "in-flight", "delayed", "dead",
        "visible, last refreshes");
    attr(c, C_HEAD, 0);
    for (int i = 0; i < SNAP_QUEUES; i++, y++) {
        put(y, 0, "%-22.22s %8lld %9lld %8lld ", s->q[i].name, (long long)s->q[i].d.visible,
            (long long)s->q[i].d.in_flight, (long long)s->q[i].d.delayed);
        attr(c, s->q[i].d.dead ? C_BAD : 0, 1);
        put(y, 50, "%5lld", (long long)s->q[i].d.dead);
        attr(c, s->q[i].d.dead ? C_BAD : 0, 0);
        spark(c, y, 57, m->history[i], m->nhistory, COLS - 57);
    }
    y++;
    int beat = (int)cfg_int(c->cfg, CFG_HEARTBEAT_INTERVAL), alive = 0;
    for (int i = 0; i < s->nworkers; i++)
        alive += snapshot_worker_alive(s, &s->w[i], beat);
    attr(c, C_HEAD, 1);
    put(y++, 0, "workers: %d alive of %d   %-30s %-8s %9s %7s %7s", alive, s->nworkers, "worker",
        "status", "heartbeat", "done", "failed");
    attr(c, C_HEAD, 0);
    for (int i = 0; i < s->nworkers && y < LINES - 5; i++, y++) {
        const struct snap_worker *w = &s->w[i];
        int ok = snapshot_worker_alive(s, w, beat);
        char a[16];
        attr(c, ok ? C_OK : C_DIM, 1);
        put(y, 0, "  %-7s %-30.30s %-8s %9s %7lld %7lld", ok ? "alive" : "gone", w->id, w->status,
            age(s->taken - (double)w->heartbeat, a, sizeof a), (long long)w->done,
            (long long)w->failed);
        attr(c, ok ? C_OK : C_DIM, 0);
    }
    y++;
    put(y++, 0, "jobs %lld:  PENDING %lld  RUNNING %lld  COMPLETED %lld  FAILED %lld",
        (long long)s->jobs, (long long)s->by_status[0], (long long)s->by_status[1],
        (long long)s->by_status[2], (long long)s->by_status[3]);
    put(y++, 0, "archive:  NONE %lld  ARCHIVING %lld  ARCHIVED %lld  RESTORING %lld",
        (long long)s->by_archive[0], (long long)s->by_archive[1], (long long)s->by_archive[2],
        (long long)s->by_archive[3]);
    put(y++, 0, "users %d, dead letters %d", m->nusers, m->ndead);
}

/* Jobs after the filter and sort; idx gets row indexes (caller frees). */
static const struct model *sort_model;
static int sort_col, sort_rev;
static int cmp_rows(const void *a, const void *b)
{
    const struct job_row *x = &sort_model->jobs[*(const int *)a],
                         *y = &sort_model->jobs[*(const int *)b];
    int r = 0;
    switch (sort_col) {
    case 0: r = x->submit < y->submit ? -1 : x->submit > y->submit; break;
    case 1: r = x->status - y->status; break;
    case 2: r = strcmp(x->user, y->user); break;
    case 3: r = x->archive - y->archive; break;
    case 4: r = strcmp(x->file, y->file); break;
    }
    if (!r)
        r = strcmp(x->id, y->id);
    return sort_rev ? -r : r;
}

static const char *sort_names[] = {"submitted", "status", "user", "archive", "file"};

static int job_rows(struct console *c, const struct model *m, int **idx)
{
    int n = 0;
    *idx = xmalloc((size_t)(m->njobs + 1) * sizeof **idx);
    for (int i = 0; i < m->njobs; i++) {
        const struct job_row *r = &m->jobs[i];
        if (c->filter[0] && !strstr(r->id, c->filter) && !strstr(r->user, c->filter) &&
            !strstr(r->file, c->filter) &&
            !strstr(job_status_name((enum job_status)r->status), c->filter) &&
            !strstr(archive_state_name((enum archive_state)r->archive), c->filter))
            continue;
        (*idx)[n++] = i;
    }
    sort_model = m;
    sort_col = c->sort;
    sort_rev = c->sort_desc;
    qsort(*idx, (size_t)n, sizeof **idx, cmp_rows);
    return n;
}

/* Keeps the cursor on the same item when the list changes. */
static void follow(struct console *c, int n, int found)
{
    int v = c->view;
    if (found >= 0)
        c->sel[v] = found;
    if (c->sel[v] >= n)
        c->sel[v] = n - 1;
    if (c->sel[v] < 0)
        c->sel[v] = 0;
}

static void scroll_to(struct console *c, int rows)
{
    int v = c->view;
    if (c->sel[v] < c->top[v])
        c->top[v] = c->sel[v];
    if (c->sel[v] >= c->top[v] + rows)
        c->top[v] = c->sel[v] - rows + 1;
    if (c->top[v] < 0)
        c->top[v] = 0;
}

/* The job's count log (cached per job), for the detail panel. */
static const char *log_tail(struct console *c, const struct job *job)
{
    if (!strcmp(c->log_job, job->job_id))
        return c->log_text;
    free(c->log_text);
    c->log_text = NULL;
    snprintf(c->log_job, sizeof c->log_job, "%s", job->job_id);
    if (job->job_status == JOB_FAILED) {
        c->log_text = xasprintf("FAILED: %s", job->error ? job->error : "(no reason recorded)");
        return c->log_text;
    }
    if (job->job_status != JOB_COMPLETED || !job->s3_key_log_file)
        return NULL;
    char tmpl[] = "/tmp/gas-console-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0)
        return NULL;
    close(fd);
    size_t n;
    if (objs_get_file(c->app->be->objs, job->s3_results_bucket, job->s3_key_log_file, tmpl) ||
        gas_read_file(tmpl, 1 << 20, &c->log_text, &n))
        c->log_text = xasprintf("(log not readable: %s)", gas_errmsg());
    unlink(tmpl);
    return c->log_text;
}

static void draw_detail(struct console *c, const char *job_id, int y, int h)
{
    cJSON *item = NULL;
    struct job job;
    memset(&job, 0, sizeof job);
    if (tbl_get(c->app->jobs, job_id, &item) || job_from_json(item, &job)) {
        put(y, 0, "job %s: %s", job_id, gas_errmsg());
        cJSON_Delete(item);
        return;
    }
    attr(c, C_HEAD, 1);
    put(y++, 0, "job %s   display state: %s", job.job_id, job_display_state(&job));
    attr(c, C_HEAD, 0);
    /* attributes on the left half, the tail of the job's log on the right half */
    int half = COLS / 2, row = y, w = half - 20 > 8 ? half - 20 : 8;
    cJSON *f;
    cJSON_ArrayForEach(f, item)
    {
        if (row >= y + h - 1)
            break;
        if (cJSON_IsString(f))
            put(row++, 0, "%-18.18s %-*.*s", f->string, w, w, f->valuestring);
        else if (cJSON_IsNumber(f))
            put(row++, 0, "%-18.18s %-*.0f", f->string, w, f->valuedouble);
    }
    const char *log = log_tail(c, &job);
    if (log) {
        int lines = 0, room = h - 1;
        for (const char *p = log; *p; p++)
            lines += *p == '\n';
        const char *p = log;
        for (int skip = lines - room; skip > 0 && (p = strchr(p, '\n')); skip--)
            p++;
        attr(c, C_DIM, 1);
        for (row = y; p && *p && row < y + h - 1; row++) {
            const char *nl = strchr(p, '\n');
            mvaddch(row, half - 1, c->utf8 ? ACS_VLINE : '|');
            put(row, half + 1, "%.*s", (int)(nl ? nl - p : (long)strlen(p)), p);
            p = nl ? nl + 1 : NULL;
        }
        attr(c, C_DIM, 0);
    }
    job_release(&job);
    cJSON_Delete(item);
}

static void draw_jobs(struct console *c, const struct model *m, int y0)
{
    int *idx, n = job_rows(c, m, &idx), found = -1;
    for (int i = 0; i < n && c->sel_job[0]; i++)
        if (!strcmp(m->jobs[idx[i]].id, c->sel_job))
            found = i;
    follow(c, n, found);
    int detail_h = c->detail ? (LINES - y0 - 2) / 2 : 0;
    int rows = LINES - y0 - 3 - detail_h;
    scroll_to(c, rows);
    attr(c, C_HEAD, 1);
    put(y0, 0, "%-36s %-12s %-9s %-9s %-16s %s", "job", "user", "status", "archive",
        "submitted (UTC)", "file");
    attr(c, C_HEAD, 0);
    int v = c->view;
    for (int i = c->top[v], y = y0 + 1; i < n && y < y0 + 1 + rows; i++, y++) {
        const struct job_row *r = &m->jobs[idx[i]];
        char t[32];
        cli_time(r->submit, t, sizeof t);
        int selected = i == c->sel[v];
        attr(c, selected ? C_SEL : status_pair(r->status, r->archive), 1);
        put(y, 0, "%-36s %-12.12s %-9s %-9s %-16.16s %-*.*s", r->id, r->user,
            job_status_name((enum job_status)r->status),
            archive_state_name((enum archive_state)r->archive), t, COLS, COLS, r->file);
        attr(c, selected ? C_SEL : status_pair(r->status, r->archive), 0);
    }
    if (n > 0)
        snprintf(c->sel_job, sizeof c->sel_job, "%s", m->jobs[idx[c->sel[v]]].id);
    put(LINES - 2 - detail_h, 0, "%d of %d jobs%s%s  sort: %s%s", n, m->njobs,
        c->filter[0] ? "  filter: " : "", c->filter, sort_names[c->sort],
        c->sort_desc ? " (desc)" : "");
    if (c->detail && n > 0)
        draw_detail(c, c->sel_job, LINES - 1 - detail_h, detail_h);
    free(idx);
}

static void draw_users(struct console *c, const struct model *m, int y0)
{
    int found = -1, v = c->view;
    for (int i = 0; i < m->nusers && c->sel_user[0]; i++)
        if (!strcmp(m->users[i].id, c->sel_user))
            found = i;
    follow(c, m->nusers, found);
    int rows = LINES - y0 - 3;
    scroll_to(c, rows);
    attr(c, C_HEAD, 1);
    put(y0, 0, "%-20s %-13s %-20s %-26s %6s %8s %9s", "user", "role", "name", "email", "jobs",
        "archived", "restoring");
    attr(c, C_HEAD, 0);
    for (int i = c->top[v], y = y0 + 1; i < m->nusers && y < y0 + 1 + rows; i++, y++) {
        const struct user_row *u = &m->users[i];
        attr(c, i == c->sel[v] ? C_SEL : 0, 1);
        put(y, 0, "%-20.20s %-13s %-20.20s %-26.26s %6d %8d %9d%*s", u->id,
            user_role_name((enum user_role)u->role), u->name, u->email, u->jobs, u->archived,
            u->restoring, COLS, "");
        attr(c, i == c->sel[v] ? C_SEL : 0, 0);
    }
    if (m->nusers > 0)
        snprintf(c->sel_user, sizeof c->sel_user, "%s", m->users[c->sel[v]].id);
}

static void draw_dead(struct console *c, const struct model *m, int y0)
{
    int found = -1, v = c->view;
    for (int i = 0; i < m->ndead && c->sel_dead[0]; i++)
        if (!strcmp(m->dead[i].id, c->sel_dead))
            found = i;
    follow(c, m->ndead, found);
    int rows = LINES - y0 - 3;
    scroll_to(c, rows);
    attr(c, C_HEAD, 1);
    put(y0, 0, "%-20s %-36s %4s  %s", "queue", "message", "rcv", "body");
    attr(c, C_HEAD, 0);
    if (!m->ndead)
        put(y0 + 1, 0, "no dead letters");
    for (int i = c->top[v], y = y0 + 1; i < m->ndead && y < y0 + 1 + rows; i++, y++) {
        const struct dead_row *d = &m->dead[i];
        attr(c, i == c->sel[v] ? C_SEL : C_BAD, 1);
        put(y, 0, "%-20.20s %-36s %4d  %-*.*s", d->queue, d->id, d->receives, COLS, COLS, d->body);
        attr(c, i == c->sel[v] ? C_SEL : C_BAD, 0);
    }
    if (m->ndead > 0)
        snprintf(c->sel_dead, sizeof c->sel_dead, "%s", m->dead[c->sel[v]].id);
}

/* ------------------------------------------------------------------ keys and actions */

struct binding {
    const char *keys, *what;
    int views; /* bit per view; 0: all */
};
static const struct binding bindings[] = {
    {"1 2 3 4, Tab", "overview, jobs, users, dead letters; next view", 0},
    {"j k, arrows", "move down / up", 0},
    {"g G", "first / last", 0},
    {"^d ^u, PgDn PgUp", "half a page down / up", 0},
    {"/", "filter jobs (Enter keeps, Esc clears)", 1 << V_JOBS},
    {"s S", "next sort column / reverse", 1 << V_JOBS},
    {"Enter", "show or hide the job's details", 1 << V_JOBS},
    {"r", "retry the job (FAILED or PENDING)", 1 << V_JOBS},
    {"c", "cancel the job (PENDING)", 1 << V_JOBS},
    {"u", "upgrade the user to premium (restores archived results)",
     (1 << V_JOBS) | (1 << V_USERS)},
    {"d", "downgrade the user to free", 1 << V_USERS},
    {"R", "redrive this dead letter", 1 << V_DEAD},
    {"A", "redrive all dead letters", 1 << V_DEAD},
    {"p", "pause / resume refresh", 0},
    {"Space", "refresh now", 0},
    {"?", "this help", 0},
    {"q", "quit", 0},
};

static int confirm(struct console *c, const char *question)
{
    move(LINES - 1, 0);
    clrtoeol();
    attr(c, C_BUSY, 1);
    put(LINES - 1, 0, "%s (y/n)", question);
    attr(c, C_BUSY, 0);
    refresh();
    timeout(-1);
    int ch = getch();
    timeout(200);
    return ch == 'y' || ch == 'Y';
}

static void say(struct console *c, int rc, const char *ok)
{
    if (rc)
        snprintf(c->status, sizeof c->status, "failed: %s", gas_errmsg());
    else
        snprintf(c->status, sizeof c->status, "%s", ok);
    request_refresh(c);
}

static int redrive(struct console *c, const struct model *m, int all)
{
    int total = 0, rc = 0;
    for (int i = 0; i < SNAP_QUEUES && !rc; i++) {
        if (!all && strcmp(m->dead[c->sel[V_DEAD]].queue, m->snap.q[i].name))
            continue;
        struct queue *q = NULL;
        int moved = 0;
        rc = be_queue(c->app->be, m->snap.q[i].name, &q);
        if (!rc)
            rc = queue_redrive(q, all ? NULL : m->dead[c->sel[V_DEAD]].id, &moved);
        total += moved;
        queue_close(q);
    }
    if (!rc)
        snprintf(c->status, sizeof c->status, "%d message%s redriven", total,
                 total == 1 ? "" : "s");
    return rc;
}

/* Runs a letter action; returns 1 if it was one. */
static int action(struct console *c, const struct model *m, int ch)
{
    char q[160];
    const char *user = c->view == V_USERS ? c->sel_user : NULL;
    int rc;
    if (!strchr("rcudRA", ch))
        return 0;
    if (c->read_only) {
        snprintf(c->status, sizeof c->status, "read-only console: actions are refused");
        return 1;
    }
    if (c->view == V_JOBS && ch == 'u') {
        for (int i = 0; i < m->njobs; i++)
            if (!strcmp(m->jobs[i].id, c->sel_job))
                user = m->jobs[i].user;
    }
    switch (ch) {
    case 'r':
    case 'c':
        if (c->view != V_JOBS || !c->sel_job[0])
            return 1;
        snprintf(q, sizeof q, "%s job %.8s...?", ch == 'r' ? "Retry" : "Cancel", c->sel_job);
        if (confirm(c, q)) {
            rc = ch == 'r' ? app_retry(c->app, c->sel_job) : app_cancel(c->app, c->sel_job);
            say(c, rc, ch == 'r' ? "job retried: request sent" : "job cancelled");
        }
        return 1;
    case 'u':
    case 'd':
        if (!user || !*user || (ch == 'd' && c->view != V_USERS))
            return 1;
        snprintf(q, sizeof q, "%s user %s%s?", ch == 'u' ? "Upgrade" : "Downgrade", user,
                 ch == 'u' ? " to premium (restores archived results)" : " to free");
        if (confirm(c, q)) {
            rc = app_set_role(c->app, user, ch == 'u' ? ROLE_PREMIUM : ROLE_FREE);
            say(c, rc, ch == 'u' ? "user upgraded: restore requested" : "user downgraded");
        }
        return 1;
    case 'R':
    case 'A':
        if (c->view != V_DEAD || !m->ndead)
            return 1;
        if (confirm(c, ch == 'A' ? "Redrive all dead letters?" : "Redrive this dead letter?")) {
            rc = redrive(c, m, ch == 'A');
            if (rc)
                say(c, rc, "");
            request_refresh(c);
        }
        return 1;
    }
    return 1;
}

static void draw(struct console *c, const struct model *m);

/* The filter narrows the list at every key (incremental); Enter keeps it, Esc clears. */
static void edit_filter(struct console *c, const struct model *m)
{
    timeout(-1);
    for (;;) {
        c->sel[V_JOBS] = 0;
        c->sel_job[0] = 0;
        draw(c, m);
        move(LINES - 1, 0);
        clrtoeol();
        put(LINES - 1, 0, "/%s", c->filter);
        refresh();
        int ch = getch();
        size_t n = strlen(c->filter);
        if (ch == '\n' || ch == KEY_ENTER)
            break;
        if (ch == 27) { /* Esc: no filter */
            c->filter[0] = 0;
            break;
        }
        if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n)
            c->filter[n - 1] = 0;
        else if (ch >= 32 && ch < 127 && n + 1 < sizeof c->filter) {
            c->filter[n] = (char)ch;
            c->filter[n + 1] = 0;
        }
    }
    timeout(200);
    c->sel[V_JOBS] = 0;
    c->sel_job[0] = 0;
}

static void draw_help(struct console *c)
{
    erase();
    attr(c, C_HEAD, 1);
    put(0, 0, "gas console: keys (any key to go back)%s", c->read_only ? "   [read-only]" : "");
    attr(c, C_HEAD, 0);
    int y = 2;
    for (size_t i = 0; i < sizeof bindings / sizeof *bindings && y < LINES; i++, y++) {
        char where[64] = "";
        for (int v = 0; v < V_COUNT; v++)
            if (bindings[i].views & (1 << v))
                snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s",
                         where[0] ? ", " : "  (", view_names[v]);
        if (where[0])
            strcat(where, ")");
        put(y, 2, "%-18s %s%s", bindings[i].keys, bindings[i].what, where);
    }
    refresh();
    timeout(-1);
    getch();
    timeout(200);
}

/* Handles one key; returns 1 when the screen should be drawn again. */
static int key(struct console *c, const struct model *m, int ch)
{
    int v = c->view, page = (LINES - 6) / 2 > 1 ? (LINES - 6) / 2 : 1;
    switch (ch) {
    case 'q': c->quit = 1; return 0;
    case '1':
    case '2':
    case '3':
    case '4': c->view = (enum view)(ch - '1'); return 1;
    case '\t': c->view = (enum view)((c->view + 1) % V_COUNT); return 1;
    case 'j':
    case KEY_DOWN: c->sel[v]++; return 1;
    case 'k':
    case KEY_UP: c->sel[v]--; return 1;
    case 'g':
    case KEY_HOME: c->sel[v] = 0; return 1;
    case 'G':
    case KEY_END: c->sel[v] = 1 << 30; return 1;
    case 4:
    case KEY_NPAGE: c->sel[v] += page; return 1;
    case 21:
    case KEY_PPAGE: c->sel[v] -= page; return 1;
    case '/':
        if (v == V_JOBS)
            edit_filter(c, m);
        return 1;
    case 's': c->sort = (c->sort + 1) % 5; return 1;
    case 'S': c->sort_desc = !c->sort_desc; return 1;
    case '\n':
    case KEY_ENTER: c->detail = !c->detail; return 1;
    case 'p':
        pthread_mutex_lock(&c->lock);
        c->paused = !c->paused;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->lock);
        return 1;
    case ' ':
    case KEY_F(5): request_refresh(c); return 1;
    case '?': draw_help(c); return 1;
    case KEY_RESIZE: return 1;
    }
    if (m && action(c, m, ch))
        return 1;
    return 0;
}

static void draw(struct console *c, const struct model *m)
{
    double t0 = gas_mono();
    erase();
    double now = gas_now();
    pthread_mutex_lock(&c->lock);
    int paused = c->paused;
    char error[sizeof c->error];
    memcpy(error, c->error, sizeof error);
    pthread_mutex_unlock(&c->lock);
    if (!error[0] && m && m->snap.error[0])
        snprintf(error, sizeof error, "%s", m->snap.error);
    attr(c, C_HEAD, 1);
    put(0, 0, "GAS console  %s backend  [%s]  data age %.1fs (collect %.0f ms, draw %.1f ms)%s%s",
        c->app->be->name, view_names[c->view], m ? now - m->snap.taken : 0.0,
        m ? m->collect_seconds * 1000 : 0.0, c->draw_ms, paused ? "  PAUSED" : "",
        c->read_only ? "  read-only" : "");
    attr(c, C_HEAD, 0);
    if (error[0]) {
        attr(c, C_BAD, 1);
        put(1, 0, "backend error: %s", error);
        attr(c, C_BAD, 0);
    }
    if (!m) {
        put(2, 0, "collecting...");
    } else {
        switch (c->view) {
        case V_OVERVIEW: draw_overview(c, m, 2); break;
        case V_JOBS: draw_jobs(c, m, 2); break;
        case V_USERS: draw_users(c, m, 2); break;
        case V_DEAD: draw_dead(c, m, 2); break;
        case V_COUNT: break;
        }
    }
    attr(c, C_DIM, 1);
    put(LINES - 1, 0, "%s",
        c->status[0] ? c->status
                     : "1 overview  2 jobs  3 users  4 dead letters  "
                       "? help  q quit");
    attr(c, C_DIM, 0);
    refresh();
    c->draw_ms = (gas_mono() - t0) * 1000;
}

static void colors(struct console *c)
{
    if (!c->color || !has_colors())
        return;
    start_color();
    use_default_colors();
    init_pair(C_OK, COLOR_GREEN, -1);
    init_pair(C_BAD, COLOR_RED, -1);
    init_pair(C_BUSY, COLOR_YELLOW, -1);
    init_pair(C_COLD, COLOR_CYAN, -1);
    init_pair(C_HEAD, -1, -1);
    init_pair(C_DIM, COLOR_BLUE, -1);
}

static int run_console(struct console *c)
{
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(200);
    set_escdelay(25);
    colors(c);
    unsigned long drawn = (unsigned long)-1;
    double last = 0;
    while (!c->quit) {
        pthread_mutex_lock(&c->lock);
        struct model *m = c->held = c->latest;
        unsigned long gen = c->gen;
        pthread_mutex_unlock(&c->lock);
        /* redraw on new data, once a second for the data age, or after a key */
        if (gen != drawn || gas_mono() - last >= 1.0) {
            draw(c, m);
            drawn = gen;
            last = gas_mono();
        }
        int ch = getch();
        if (ch != ERR) {
            if (ch != ' ')
                c->status[0] = 0;
            if (key(c, m, ch))
                draw(c, m);
        }
        pthread_mutex_lock(&c->lock);
        if (c->held && c->held != c->latest) { /* replaced while we held it */
            model_free(c->held);
            free(c->held);
        }
        c->held = NULL;
        pthread_mutex_unlock(&c->lock);
    }
    endwin();
    return 0;
}

static int start(struct console *c, struct cfg *cfg)
{
    c->cfg = cfg;
    c->interval = (double)cfg_int(cfg, CFG_CONSOLE_REFRESH);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->app = cli_app(cfg, "console");
    if (!c->app)
        return 1;
    if (pthread_create(&c->th, NULL, collector, c)) {
        app_close(c->app);
        return 1;
    }
    return 0;
}

static void finish(struct console *c)
{
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    c->paused = 0;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->th, NULL);
    if (c->held && c->held != c->latest) {
        model_free(c->held);
        free(c->held);
    }
    if (c->latest) {
        model_free(c->latest);
        free(c->latest);
    }
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cv);
    app_close(c->app);
    free(c->log_text);
}

int cmd_console(struct cfg *cfg, int argc, char **argv)
{
    struct console *c = xcalloc(1, sizeof *c);
    c->color = !getenv("NO_COLOR") || !*getenv("NO_COLOR");
    c->sort_desc = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--read-only"))
            c->read_only = 1;
        else if (!strcmp(argv[i], "--no-color"))
            c->color = 0;
        else {
            fprintf(stderr, "usage: gas console [--read-only] [--no-color]\n");
            free(c);
            return 2;
        }
    }
    setlocale(LC_ALL, "");
    c->utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
    /* log lines (AWS retries, ...) must not land on the screen: to console_log, or none */
    const char *lf = cfg_str(cfg, CFG_CONSOLE_LOG);
    int log_fd = *lf ? open(lf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    if (*lf && log_fd < 0) {
        fprintf(stderr, "gas console: console_log %s: %s\n", lf, strerror(errno));
        free(c);
        return 1;
    }
    log_setup(log_fd >= 0 ? (enum log_level)log_level_parse(cfg_str(cfg, CFG_LOG_LEVEL))
                          : GAS_LOG_OFF,
              cfg_bool(cfg, CFG_LOG_JSON), log_fd >= 0 ? log_fd : 2);
    int rc = start(c, cfg);
    if (!rc)
        rc = run_console(c);
    if (c->app)
        finish(c);
    free(c);
    log_setup((enum log_level)log_level_parse(cfg_str(cfg, CFG_LOG_LEVEL)),
              cfg_bool(cfg, CFG_LOG_JSON), 2);
    if (log_fd >= 0)
        close(log_fd);
    return rc;
}

/* gas top -b [-n N] [-d SECONDS] [--json]: the console's model, as text or JSON. */
int cmd_top(struct cfg *cfg, int argc, char **argv)
{
    int batch = 0, n = 1, json = 0;
    double delay = (double)cfg_int(cfg, CFG_CONSOLE_REFRESH);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-b"))
            batch = 1;
        else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "-n") && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc)
            delay = atof(argv[++i]);
        else
            batch = -1;
    }
    if (batch != 1 || n < 1 || delay < 0) {
        fprintf(stderr, "usage: gas top -b [-n ITERATIONS] [-d SECONDS] [--json]\n"
                        "       (gas console is the interactive view)\n");
        return 2;
    }
    struct gas_app *app = cli_app(cfg, "top");
    if (!app)
        return 1;
    int64_t hist[SNAP_QUEUES][HISTORY];
    int nh = 0, rc = 0;
    for (int i = 0; i < n; i++) {
        if (i)
            gas_sleep(delay);
        struct model *m = xcalloc(1, sizeof *m);
        rc = model_collect(app, m);
        model_history(m, hist, &nh);
        if (json) {
            cJSON *j = model_json(m);
            char *s = cJSON_PrintUnformatted(j);
            printf("%s\n", s);
            free(s);
            cJSON_Delete(j);
        } else {
            if (i)
                printf("\n");
            snapshot_print(&m->snap, stdout);
            printf("users %d, dead letters %d\n", m->nusers, m->ndead);
        }
        fflush(stdout);
        model_free(m);
        free(m);
    }
    app_close(app);
    return rc ? 1 : 0;
}
