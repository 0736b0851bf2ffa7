/* console: `gas console`, the ncurses admin console, and `gas top -b`, its batch mode.
 *
 * Threads: a collector thread builds a fresh model (model.c) every console_refresh
 * seconds, or at once when asked, and publishes it under `lock`; the UI thread only draws
 * the latest model and runs actions (short backend calls). The lock guards `latest`,
 * `held`, `gen`, `want`, `stop`, `paused` and `error`; `hist` and `src` belong to the
 * collector. A published model is never changed. The UI marks the model it works on as
 * `held`; the collector frees a replaced model only if it is not held, and the UI frees the
 * one it held when it lets go of a model that was replaced meanwhile. Shutdown: `stop` +
 * signal, then join.
 *
 * The UI never blocks on a key: prompts (the filter being typed, a y/n question) are
 * states that the loop draws at the bottom line, so the data keeps refreshing under them
 * and a resize only redraws. Keys go to the prompt first, then through the binding table
 * (bindings.c) to the generic list actions or the view's panel (view_*.c). Drawing
 * composes the whole screen into curses' virtual screen; doupdate() sends what changed. */
#include "cli.h"
#include "commands.h"
#include "console.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct panel *const panels[V_COUNT] = {
    &view_overview, &view_jobs, &view_users, &view_dead, &view_workers, &view_detail, &view_help,
};

const struct panel *console_panel(enum view v)
{
    return panels[v];
}

/* ------------------------------------------------------------------ collector */

struct collector_arg {
    struct console *c;
    struct model_source *src;
};

static void wait_next(struct console *c)
{
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

static void *collector(void *arg)
{
    struct console *c = arg;
    struct model_source *src = model_source_new();
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        c->hist.redriven = c->redriven, c->hist.redrive_t = c->redrive_t;
        pthread_mutex_unlock(&c->lock);
        struct model *m = xcalloc(1, sizeof *m);
        model_collect(c->app, src, &c->hist, m);
        pthread_mutex_lock(&c->lock);
        unsigned all = SNAP_F_QUEUES | SNAP_F_WORKERS | SNAP_F_JOBS | SNAP_F_USERS;
        if (m->snap.error[0] && c->latest && (m->snap.failed & all) == all) {
            /* nothing could be read: keep showing the last good data, aging, with the
             * error above it (a part that failed alone is shown as last read, in m) */
            snprintf(c->error, sizeof c->error, "%s", m->snap.error);
            model_free(m);
            free(m);
        } else {
            snprintf(c->error, sizeof c->error, "%s", m->snap.error);
            struct model *old = c->latest;
            c->latest = m;
            if (old && old != c->held) {
                model_free(old);
                free(old);
            }
        }
        c->gen++;
        c->want = 0;
        wait_next(c);
    }
    pthread_mutex_unlock(&c->lock);
    model_source_free(src);
    return NULL;
}

void console_request_refresh(struct console *c)
{
    pthread_mutex_lock(&c->lock);
    c->want = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->lock);
}

void console_say(struct console *c, int bad, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->status, sizeof c->status, fmt, ap);
    va_end(ap);
    c->status_bad = bad;
}

/* ------------------------------------------------------------------ prompts and targets */

void console_free_keys(char **keys, int n)
{
    for (int i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

int console_targets(struct console *c, const struct model *m, struct ui_list *l, char ***out)
{
    *out = NULL;
    if (l->nmarks) {
        char **keys = xcalloc((size_t)l->nmarks, sizeof *keys);
        for (int i = 0; i < l->nmarks; i++)
            keys[i] = xstrdup(l->marks[i]);
        *out = keys;
        return l->nmarks;
    }
    int row = list_current(l);
    if (row < 0)
        return 0;
    *out = xcalloc(1, sizeof **out);
    (*out)[0] = xstrdup(l->type->key(m, row));
    return 1;
}

static void pending_clear(struct pending *p)
{
    console_free_keys(p->keys, p->nkeys);
    memset(p, 0, sizeof *p);
}

void console_confirm(struct console *c, enum action a, char **keys, int nkeys, const char *question)
{
    pending_clear(&c->pending);
    c->pending.action = a;
    c->pending.view = c->view;
    c->pending.keys = xcalloc((size_t)nkeys + 1, sizeof *keys);
    for (int i = 0; i < nkeys; i++)
        c->pending.keys[i] = xstrdup(keys[i]);
    c->pending.nkeys = nkeys;
    snprintf(c->pending.question, sizeof c->pending.question, "%s", question);
}

static int answer(struct console *c, const struct model *m, int ch)
{
    if (ch == 'y' || ch == 'Y') {
        struct pending p = c->pending;
        memset(&c->pending, 0, sizeof c->pending);
        console_run(c, m, &p);
        pending_clear(&p);
        console_request_refresh(c);
    } else if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q') {
        pending_clear(&c->pending);
        console_say(c, 0, "answered no: nothing changed");
    }
    return K_REDRAW;
}

/* src into dst (n bytes), cut to fit */
static void copy_text(char *dst, size_t n, const char *src)
{
    size_t l = strnlen(src, n - 1);
    memmove(dst, src, l);
    dst[l] = 0;
}

/* The filter being typed: the list narrows at every key; Enter keeps it, Esc clears it. */
static int filter_key(struct console *c, const struct model *m, int ch)
{
    struct ui_list *l = &c->lists[c->view];
    size_t n = strlen(l->filter);
    if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
        c->filtering = 0;
        if (l->filter[0] && c->view == V_DETAIL) /* what n / N look for, also once the */
            snprintf(c->search_was, sizeof c->search_was, "%s", l->filter); /* filter is */
        else if (l->filter[0])                                              /* cleared */
            copy_text(c->filter_was[c->view], sizeof c->filter_was[c->view], l->filter);
        if (l->filter[0] && c->view != V_DETAIL && l->type) {
            char cols[160], name[64];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(l->filter, "="), l->filter);
            if (list_unknown_column(l->type, l->filter, cols, sizeof cols))
                console_say(c, 1, "no column %s (columns: %s)", name, cols);
        }
    } else if (ch == 27) { /* the list was filtered as it was typed: n / N look for it */
        if (l->filter[0] && c->view != V_DETAIL) /* (a search Esc leaves is not, as in less) */
            copy_text(c->filter_was[c->view], sizeof c->filter_was[c->view], l->filter);
        l->filter[0] = 0;
        c->filtering = 0;
    } else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && n) {
        l->filter[n - 1] = 0;
    } else if (ch >= 32 && ch < 127 && n + 1 < sizeof l->filter) {
        l->filter[n] = (char)ch;
        l->filter[n + 1] = 0;
    }
    if (c->view == V_DETAIL && (c->filtering || ch == 27)) /* the search moves as it is typed;
                                                             Esc: back where it started */
        view_detail_search(c);
    return K_REDRAW;
}

/* ------------------------------------------------------------------ dispatch */

static int scroll_view(struct console *c, enum action a)
{
    int *top = &c->scroll[c->view], page = c->page[c->view] > 0 ? c->page[c->view]
                                           : LINES - 4 > 1      ? LINES - 4
                                                                : 1;
    switch (a) {
    case ACT_DOWN: (*top)++; break;
    case ACT_UP: (*top)--; break;
    case ACT_TOP: *top = 0; break;
    case ACT_BOTTOM: *top = INT_MAX / 2; break;
    case ACT_PAGE_DOWN: *top += page; break;
    case ACT_PAGE_UP: *top -= page; break;
    case ACT_HALF_DOWN: *top += page / 2; break;
    case ACT_HALF_UP: *top -= page / 2; break;
    default: return K_IGNORED;
    }
    if (*top < 0)
        *top = 0;
    if (c->view == V_DETAIL && c->detail_log) /* G follows the log again; any other stops */
        c->detail_follow = a == ACT_BOTTOM;
    return K_REDRAW;
}

static int list_action(struct console *c, const struct model *m, struct ui_list *l, enum action a)
{
    switch (a) {
    case ACT_SORT_NEXT:
    case ACT_SORT_PREV:
    case ACT_SORT_FLIP: return list_sort_key(l, a);
    case ACT_FILTER:
        c->filtering = 1;
        l->filter[0] = 0; /* a new filter, not more of the old one */
        return K_REDRAW;
    case ACT_MATCH_NEXT:
    case ACT_MATCH_PREV: {
        const char *text = l->filter[0] ? l->filter : c->filter_was[c->view];
        if (!*text)
            console_say(c, 0, "no filter yet: / starts one");
        else if (!list_find(l, m, text, a == ACT_MATCH_NEXT ? 1 : -1))
            console_say(c, 0, "no row matches %s", text);
        return K_REDRAW;
    }
    case ACT_ESCAPE:
        if (c->view == V_JOBS && c->jobs_of_user && !strncmp(l->filter, "user=", 5)) {
            l->filter[0] = 0; /* a user's jobs, opened from the users view: back there */
            c->jobs_of_user = 0;
            c->view = V_USERS;
        } else if (l->filter[0]) {
            l->filter[0] = 0;
        } else {
            list_clear_marks(l);
        }
        return K_REDRAW;
    case ACT_MARK: return list_mark(l, m);
    default: return list_motion(l, m, a, l->rows_shown > 1 ? l->rows_shown : 1);
    }
}

/* x: key (an alert's or the note's) is hidden until what it is about changes; the oldest
 * acknowledgement goes when there is no room. */
static void ack(struct console *c, const char *key)
{
    if (c->nacked == ACKED_MAX) {
        memmove(c->acked[0], c->acked[1], sizeof c->acked[0] * (ACKED_MAX - 1));
        c->nacked--;
    }
    snprintf(c->acked[c->nacked++], sizeof c->acked[0], "%s", key);
}

static int act(struct console *c, const struct model *m, enum action a)
{
    if (a == ACT_FILTER && c->view == V_OVERVIEW)
        c->view = V_JOBS; /* / from the overview: find a job */
    const struct panel *p = panels[c->view];
    struct ui_list *l = p->list ? p->list(c) : NULL;
    if (a >= ACT_VIEW1 && a <= ACT_VIEW5) {
        c->view = (enum view)(a - ACT_VIEW1);
        c->jobs_of_user = 0; /* left the user's jobs: Esc then only clears the filter */
        return K_REDRAW;
    }
    switch (a) {
    case ACT_NEXT_VIEW:
    case ACT_PREV_VIEW: { /* the help and the detail count as the view they were opened from */
        enum view from = c->view == V_HELP ? c->help_back : c->view;
        if (from == V_DETAIL)
            from = c->back;
        if (from > V_WORKERS)
            from = V_JOBS;
        c->view = (enum view)((from + (a == ACT_NEXT_VIEW ? 1 : V_WORKERS)) % (V_WORKERS + 1));
        c->jobs_of_user = 0;
        return K_REDRAW;
    }
    case ACT_QUIT: c->quit = 1; return K_HANDLED;
    case ACT_BACK: { /* help -> where it was opened; detail -> the list it was opened from */
        enum view to = c->view == V_HELP ? c->help_back : c->back;
        if (to == c->view || to == V_HELP || (c->view == V_DETAIL && to == V_DETAIL))
            to = V_JOBS; /* never back to itself: Esc / q always leave */
        c->view = to;
        return K_REDRAW;
    }
    case ACT_HELP:
        c->help_back = c->view;
        c->view = V_HELP;
        c->scroll[V_HELP] = 0;
        return K_REDRAW;
    case ACT_PAUSE:
        pthread_mutex_lock(&c->lock);
        c->paused = !c->paused;
        pthread_cond_signal(&c->cv);
        pthread_mutex_unlock(&c->lock);
        return K_REDRAW;
    case ACT_REFRESH: console_request_refresh(c); return K_REDRAW;
    case ACT_ACK: {
        int n = 0, more = 0, note = console_note(c, m) != NULL;
        const struct model_alert *al;
        while ((al = console_alert(c, m, &more)) != NULL) { /* every alert shown or counted */
            ack(c, al->key);
            n++;
        }
        if (note)
            ack(c, m->note_key);
        if (n && note)
            console_say(c, 0,
                        "%d alert%s and the note acknowledged: hidden until something changes", n,
                        n == 1 ? "" : "s");
        else if (n)
            console_say(c, 0, "%d alert%s acknowledged: hidden until something else goes wrong", n,
                        n == 1 ? "" : "s");
        else if (note)
            console_say(c, 0, "the note acknowledged: hidden until what it says changes");
        else
            console_say(c, 0, "no alert or note to acknowledge");
        return K_REDRAW;
    }
    default: break;
    }
    if (!m)
        return K_REDRAW;
    if (ui_is_change(a) && c->read_only) {
        console_say(c, 1, "read-only console: actions are refused");
        return K_REDRAW;
    }
    int r = p->key(c, m, a);
    if (r != K_IGNORED)
        return r;
    if (l)
        return list_action(c, m, l, a);
    return scroll_view(c, a);
}

static int dispatch(struct console *c, const struct model *m, int ch)
{
    if (ch == KEY_RESIZE)
        return K_REDRAW;
    if (c->pending.action)
        return answer(c, m, ch);
    if (c->filtering)
        return filter_key(c, m, ch);
    c->status[0] = 0;
    const struct binding *b = ui_binding(ch, c->view);
    if (!b) {
        /* in the help, the keys are on the screen: where the view's own keys are */
        const char *hint = c->view == V_HELP ? "Esc or q goes back" : "? lists the keys";
        if (ch == ' ')
            console_say(c, 0, "Space does nothing in %s: %s", ui_view_name(c->view), hint);
        else if (ch < 256 && isprint(ch))
            console_say(c, 0, "%c does nothing in %s: %s", ch, ui_view_name(c->view), hint);
        else { /* a key other views take (Enter, Tab, PgDn, ^d): its name as the help has it */
            int k = ch == '\r' || ch == KEY_ENTER ? '\n' : ch;
            for (int i = 0; i < ui_nbindings; i++)
                if (ui_bindings[i].key == k) {
                    console_say(c, 0, "%s does nothing in %s: %s", ui_bindings[i].label,
                                ui_view_name(c->view), hint);
                    break;
                }
        }
        return K_REDRAW;
    }
    return act(c, m, b->action);
}

/* ------------------------------------------------------------------ drawing */

/* An alert acknowledged stays so while it is the same alert: its key, or, for the work
 * waiting with no worker ("idle:" and the work's size in powers of two), work no larger
 * than it was (cancelling jobs shrinks it: no new alarm). */
int console_alert_acked(const struct console *c, const struct model_alert *al)
{
    static const char idle[] = "idle:";
    int is_idle = !strncmp(al->key, idle, sizeof idle - 1);
    for (int k = 0; k < c->nacked; k++) {
        if (!strcmp(c->acked[k], al->key))
            return 1;
        if (is_idle && !strncmp(c->acked[k], idle, sizeof idle - 1) &&
            atoi(al->key + sizeof idle - 1) <= atoi(c->acked[k] + sizeof idle - 1))
            return 1;
    }
    return 0;
}

const char *console_note(const struct console *c, const struct model *m)
{
    if (!m || !m->note[0])
        return NULL;
    for (int k = 0; m->note_key[0] && k < c->nacked; k++)
        if (!strcmp(c->acked[k], m->note_key))
            return NULL;
    return m->note;
}

const struct model_alert *console_alert(const struct console *c, const struct model *m, int *more)
{
    const struct model_alert *first = NULL;
    *more = 0;
    for (int i = 0; m && i < m->nalerts; i++) {
        if (console_alert_acked(c, &m->alerts[i]))
            continue;
        if (first)
            (*more)++;
        else
            first = &m->alerts[i];
    }
    return first;
}

static void draw_header(struct console *c, const struct model *m, double now)
{
    pthread_mutex_lock(&c->lock);
    int paused = c->paused;
    char error[sizeof c->error];
    memcpy(error, c->error, sizeof error);
    pthread_mutex_unlock(&c->lock);
    if (!error[0] && m && m->snap.error[0])
        snprintf(error, sizeof error, "%s", m->snap.error);
    int more = 0;
    const struct model_alert *shown = console_alert(c, m, &more);
    const char *note = console_note(c, m); /* NULL: none, or acknowledged */
    int alert = shown != NULL;
    char alert_text[300] = "";
    if (shown && more) /* how many, first, where a narrow screen cannot cut it off */
        snprintf(alert_text, sizeof alert_text, "ALERT 1 of %d: %s", more + 1, shown->text);
    else if (shown)
        snprintf(alert_text, sizeof alert_text, "ALERT: %s", shown->text);
    ui_attr(c, alert ? C_ALERT : C_HEAD, 1);
    move(0, 0);
    clrtoeol();
    char left[400], right[96], age[32];
    snprintf(left, sizeof left, "GAS [%s]%s%s %s", ui_view_name(c->view),
             c->read_only ? " READ-ONLY" : "", paused ? " PAUSED" : "", c->where);
    snprintf(age, sizeof age, "age %.1fs",
             m ? now - (m->oldest > 0 ? m->oldest : m->snap.taken) : 0.0);
    const struct panel *p = panels[c->view];
    char sort[32] = "";
    if (p->list && p->list(c))
        snprintf(sort, sizeof sort, "  sort %.0f ms", p->list(c)->sort_ms);
    snprintf(right, sizeof right, "%s  collect %.0f ms%s  draw %.1f ms", age,
             m ? m->collect_seconds * 1000 : 0.0, sort, c->draw_ms);
    int room = COLS - (int)strlen(left) - 2;
    const char *r = room >= (int)strlen(right) ? right : age;
    if (room < (int)strlen(r)) { /* the age matters more than where: the config file's name
                                  * goes first, then the start of the data directory */
        int avail = COLS - (int)strlen(r) - 2;
        size_t wl = strlen(c->where) < strlen(left) ? strlen(c->where) : strlen(left);
        char *where = left + strlen(left) - wl; /* "local DIR config FILE" */
        char *cfgp = strstr(where, " config ");
        if (!cfgp)
            cfgp = strstr(where, " (no config file)");
        if (cfgp && !strncmp(where, "local ", 6))
            *cfgp = 0;
        int len = (int)strlen(left);
        if (len > avail && avail >= 12) {
            char *path = strchr(where, ' '); /* after the backend's name */
            int keep = path ? (int)(path + 1 - left) : 0;
            int tail = avail - keep - 2;
            if (path && tail >= 8) { /* "local ..h-console/sys/state" */
                memmove(left + keep + 2, left + len - tail, (size_t)tail + 1);
                memcpy(left + keep, "..", 2);
            } else {
                left[avail] = 0;
            }
        } else if (len > avail) {
            left[avail > 0 ? avail : 0] = 0;
        }
        room = COLS - (int)strlen(left) - 2;
    }
    ui_put(0, 0, "%s", left);
    ui_put(0, COLS - (int)strlen(r) > 0 ? COLS - (int)strlen(r) : 0, "%s", r);
    if (alert) /* the whole line red, not only its text */
        mvchgat(0, 0, -1, A_BOLD | (c->color && has_colors() ? 0 : A_REVERSE),
                c->color && has_colors() ? C_ALERT : 0, NULL);
    ui_attr(c, alert ? C_ALERT : C_HEAD, 0);
    if (alert) {
        ui_attr(c, C_BAD, 1);
        ui_put(1, 0, "%s", alert_text);
        ui_attr(c, C_BAD, 0);
    } else if (error[0]) {
        ui_attr(c, C_BAD, 1);
        ui_put(1, 0, "backend error: %s", error);
        ui_attr(c, C_BAD, 0);
    } else if (note) {
        ui_attr(c, C_BUSY, 1);
        ui_put(1, 0, "note: %s", note);
        ui_attr(c, C_BUSY, 0);
    }
    if (alert && error[0]) /* both: the error goes after the alert */
        ui_put(1, (int)strlen(alert_text) + 2, "  backend error: %s", error);
    else if (alert && note) { /* after the alert: whole, or up to its " (...)" */
        int at = (int)strlen(alert_text), fits = COLS - at - 8;
        int len = (int)strlen(note);
        const char *paren = strstr(note, " (");
        if (len > fits && paren)
            len = (int)(paren - note);
        ui_attr(c, C_BUSY, 1);
        if (len <= fits)
            ui_put(1, at, "  note: %.*s", len, note);
        ui_attr(c, C_BUSY, 0);
    }
}

static void draw_bottom(struct console *c, const struct model *m)
{
    int y = LINES - 1;
    move(y, 0);
    clrtoeol();
    if (c->pending.action) { /* a question too long for one line takes the line above too */
        /* a word longer than half the line (a long file name) loses its middle, so that the
         * question wraps at its spaces and its end (what the answer does) is read whole */
        char shortq[sizeof c->pending.question];
        int maxw = COLS / 2 - 4 > 12 ? COLS / 2 - 4 : 12;
        size_t o = 0;
        for (const char *w = c->pending.question; *w && o + 1 < sizeof shortq;) {
            int wl = (int)strcspn(w, " ");
            int id = (int)strspn(w, "0123456789abcdefABCDEF-(),?") >= wl; /* ids stay whole */
            if (wl > maxw && !id) {
                int head = (maxw - 2) / 2, tail = maxw - 2 - head;
                o += (size_t)snprintf(shortq + o, sizeof shortq - o, "%.*s..%.*s", head, w, tail,
                                      w + wl - tail);
            } else {
                o += (size_t)snprintf(shortq + o, sizeof shortq - o, "%.*s", wl, w);
            }
            w += wl;
            if (*w == ' ' && o + 1 < sizeof shortq)
                shortq[o++] = ' ', w++;
            shortq[o < sizeof shortq ? o : sizeof shortq - 1] = 0;
        }
        shortq[o < sizeof shortq ? o : sizeof shortq - 1] = 0;
        const char *q = shortq;
        int len = (int)strlen(q), cut = -1;
        for (int i = len + 6 > COLS && COLS > 20 ? COLS - 1 : -1; i > COLS / 3; i--)
            if (q[i] == ' ') {
                cut = i;
                break;
            }
        ui_attr(c, C_BUSY, 1);
        attron(A_BOLD);
        if (cut > 0) {
            move(y - 1, 0);
            clrtoeol();
            ui_put(y - 1, 0, "%.*s", cut, q);
            q += cut + 1;
        }
        int room = COLS - 6 > 0 ? COLS - 6 : 0, rest = (int)strlen(q);
        if (rest > room &&
            room >= 12) { /* still too long: its middle goes, its end (the ?) stays */
            int head = room * 2 / 3, tail = room - head - 2;
            ui_put(y, 0, "%.*s..%s (y/n)", head, q, q + rest - tail);
        } else {
            ui_put(y, 0, "%.*s (y/n)", room, q);
        }
        attroff(A_BOLD);
        ui_attr(c, C_BUSY, 0);
    } else if (c->filtering) {
        ui_put(y, 0, "/%s", c->lists[c->view].filter);
        attron(A_REVERSE);
        addch(' ');
        attroff(A_REVERSE);
        if (getcurx(stdscr) + 27 < COLS)
            addstr("  (Enter keeps, Esc clears)");
    } else if (c->status[0]) {
        ui_attr(c, c->status_bad ? C_BAD : C_OK, 1);
        ui_put(y, 0, "%s", c->status);
        ui_attr(c, c->status_bad ? C_BAD : C_OK, 0);
    } else {
        char hint[512];
        const struct panel *p = panels[c->view];
        uint64_t refused = m && p->refused ? p->refused(c, m) : 0;
        int more = 0;
        if (!console_alert(c, m, &more) && !console_note(c, m)) /* x: nothing to hint */
            refused |= ACT_BIT(ACT_ACK);
        ui_hint(c->view, c->read_only, refused, COLS, hint, sizeof hint);
        ui_attr(c, C_DIM, 1);
        ui_put(y, 0, "%s", hint);
        ui_attr(c, C_DIM, 0);
    }
}

static void frame(struct console *c, const struct model *m)
{
    double t0 = gas_mono();
    const struct panel *p = panels[c->view];
    if (m)
        p->on_model(c, m);
    double t1 = gas_mono();
    erase();
    draw_header(c, m, gas_now());
    if (!m)
        ui_put(2, 0, "collecting...");
    else if (LINES > 4)
        p->draw(c, m, 2, LINES - 3);
    draw_bottom(c, m);
    refresh();
    c->sync_ms = (t1 - t0) * 1000;
    c->draw_ms = (gas_mono() - t1) * 1000;
}

/* ------------------------------------------------------------------ the loop */

static struct model *hold(struct console *c, unsigned long *gen)
{
    pthread_mutex_lock(&c->lock);
    struct model *m = c->held = c->latest;
    *gen = c->gen;
    pthread_mutex_unlock(&c->lock);
    return m;
}

static void let_go(struct console *c)
{
    pthread_mutex_lock(&c->lock);
    if (c->held && c->held != c->latest) { /* replaced while we held it */
        model_free(c->held);
        free(c->held);
    }
    c->held = NULL;
    pthread_mutex_unlock(&c->lock);
}

/* Ctrl-C (SIGINT) and SIGTERM / SIGHUP: the console ends as after q, restoring the terminal,
 * and exits 128 + the signal (130 for Ctrl-C), as a shell's programs do. */
static volatile sig_atomic_t stop_signal;
static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

static int run_console(struct console *c)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal; /* before initscr: ncurses leaves a handler set alone */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    stop_signal = 0;
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(250);
    set_escdelay(25);
    /* Home / End as terminals send them when TERM says otherwise (tmux, screen, rxvt) */
    static const char *const home[] = {"\033[1~", "\033[H", "\033OH", "\033[7~"};
    static const char *const end[] = {"\033[4~", "\033[F", "\033OF", "\033[8~"};
    for (int i = 0; i < 4; i++) {
        define_key(home[i], KEY_HOME);
        define_key(end[i], KEY_END);
    }
    ui_colors(c->color);
    unsigned long drawn = (unsigned long)-1, gen;
    double last = 0;
    while (!c->quit && !stop_signal) {
        struct model *m = hold(c, &gen);
        /* draw on new data, once a second for the data age, or after a key */
        if (gen != drawn || gas_mono() - last >= 1.0) {
            frame(c, m);
            drawn = gen;
            last = gas_mono();
        }
        int ch = getch();
        if (ch != ERR && (dispatch(c, m, ch) & K_REDRAW) && !c->quit)
            frame(c, m);
        let_go(c);
    }
    endwin();
    return stop_signal ? 128 + stop_signal : 0;
}

static int start(struct console *c, struct cfg *cfg)
{
    c->cfg = cfg;
    c->interval = (double)cfg_int(cfg, CFG_CONSOLE_REFRESH);
    c->heartbeat = (int)cfg_int(cfg, CFG_HEARTBEAT_INTERVAL);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cv, NULL);
    c->app = cli_app(cfg, "console");
    if (!c->app)
        return 1;
    cli_where(cfg, c->app->be->name, c->where, sizeof c->where);
    list_init(&c->lists[V_JOBS], &jobs_list);
    list_init(&c->lists[V_USERS], &user_rows_list);
    list_init(&c->lists[V_DEAD], &dead_list);
    list_init(&c->lists[V_WORKERS], &worker_rows);
    if (pthread_create(&c->th, NULL, collector, c)) {
        app_close(c->app);
        c->app = NULL;
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
    for (int v = 0; v < V_COUNT; v++)
        list_release(&c->lists[v]);
    pending_clear(&c->pending);
    view_detail_release();
}

static int usage(void)
{
    fprintf(stderr, "usage: gas console [--read-only] [--no-color] [--list-bindings]\n");
    return 2;
}

int cmd_console(struct cfg *cfg, int argc, char **argv)
{
    struct console *c = xcalloc(1, sizeof *c);
    c->color = !getenv("NO_COLOR") || !*getenv("NO_COLOR");
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--read-only"))
            c->read_only = 1;
        else if (!strcmp(argv[i], "--no-color"))
            c->color = 0;
        else if (!strcmp(argv[i], "--list-bindings")) {
            ui_list_bindings();
            free(c);
            return 0;
        } else {
            free(c);
            return usage();
        }
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) { /* a script, a pipe, cron: no keys */
        fprintf(stderr,
                "gas console: needs a terminal (its %s is not one); for the same "
                "figures in a script: gas top -b (text), gas top --json, gas status\n",
                !isatty(STDIN_FILENO) ? "input" : "output");
        free(c);
        return 2;
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

/* gas top -b [-n N] [-d SECONDS] [--json]: the console's model, as text or JSON (-b is
 * implied by the other options and by a stdout that is not a terminal): once, N times, or
 * with -d alone every SECONDS until stopped (as top -b -d). */
int cmd_top(struct cfg *cfg, int argc, char **argv)
{
    int batch = 0, n = 1, json = 0, n_given = 0, d_given = 0;
    double delay = (double)cfg_int(cfg, CFG_CONSOLE_REFRESH);
    const char *bad = NULL;
    for (int i = 1; i < argc && !bad; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "-b"))
            batch = 1;
        else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            long v = strtol(argv[++i], &end, 10);
            if (!*argv[i] || *end || v < 1 || v > 1000000)
                bad = "-n wants a number of iterations (1 or more)";
            n = (int)v;
            n_given = 1;
        } else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
            delay = strtod(argv[++i], &end);
            d_given = 1;
            if (!*argv[i] || *end || !(delay >= 0 && delay <= 86400))
                bad = "-d wants seconds between iterations (0 to 86400)";
        } else {
            bad = "unknown argument";
        }
    }
    /* gas top alone on a terminal: the interactive view, as top and htop; --json, -n or -d
     * ask for output a script reads, and so does a stdout that is not a terminal */
    int scripted = json || argc > 1 || !isatty(STDOUT_FILENO);
    if (!bad && !batch && !scripted)
        return cmd_console(cfg, argc, argv);
    if (bad) {
        fprintf(stderr,
                "gas top: %s\nusage: gas top -b [-n ITERATIONS] [-d SECONDS] [--json]\n"
                "       gas top (no -b): the interactive console (gas console)\n",
                bad);
        return 2;
    }
    if (d_given && !n_given)
        n = 0; /* -d without -n: every SECONDS until stopped, as top -b -d does */
    struct gas_app *app = cli_app(cfg, "top");
    if (!app)
        return 1;
    struct model_source *src = model_source_new();
    struct model_history *hist = xcalloc(1, sizeof *hist);
    int rc = 0;
    for (int i = 0; !n || i < n; i++) {
        if (i)
            gas_sleep(delay);
        struct model *m = xcalloc(1, sizeof *m);
        rc = model_collect(app, src, hist, m);
        if (json) {
            cJSON *j = model_json(m);
            char *s = cJSON_PrintUnformatted(j);
            printf("%s\n", s);
            free(s);
            cJSON_Delete(j);
        } else {
            char when[32];
            time_t now = time(NULL);
            struct tm tm;
            gmtime_r(&now, &tm);
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
            if (n)
                printf("%s--- gas top, %s (%d of %d)\n", i ? "\n" : "", when, i + 1, n);
            else
                printf("%s--- gas top, %s (%d)\n", i ? "\n" : "", when, i + 1);
            for (int k = 0; k < m->nalerts; k++) /* first, as the console's header */
                printf("ALERT: %s\n", m->alerts[k].text);
            snapshot_print(&m->snap, stdout);
            printf("users %d, dead letters %d\n", m->nusers, m->ndead);
            printf("throughput: completed %.0f/min, failed %.0f/min (collect %.0f ms%s)\n",
                   m->completed_per_min, m->failed_per_min, m->collect_seconds * 1000,
                   m->incremental ? ", incremental" : "");
            if (m->note[0])
                printf("note: %s\n", m->note);
        }
        fflush(stdout);
        model_free(m);
        free(m);
    }
    model_source_free(src);
    free(hist);
    app_close(app);
    return rc ? 1 : 0;
}
