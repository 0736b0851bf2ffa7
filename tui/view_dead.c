/* view_dead: the dead letters of every queue, with why each was dead-lettered; r redrives
 * the marked ones or the one under the cursor, A every one; d deletes the marked ones or
 * the one under the cursor for good. */
#include "console.h"

#include "gas/msg.h"
#include "gas/util.h"

#include <curses.h>

#include <stdlib.h>
#include <string.h>

#define D(m, i) (&(m)->dead[i])

static int c_queue(const struct model *m, int a, int b)
{
    return strcmp(D(m, a)->queue, D(m, b)->queue);
}
static int c_id(const struct model *m, int a, int b)
{
    return strcmp(D(m, a)->id, D(m, b)->id);
}
static int c_recv(const struct model *m, int a, int b)
{
    return D(m, a)->receives - D(m, b)->receives;
}
static int c_age(const struct model *m, int a, int b)
{
    return D(m, b)->sent < D(m, a)->sent ? -1 : D(m, b)->sent > D(m, a)->sent;
}
static int c_reason(const struct model *m, int a, int b)
{
    return strcmp(D(m, a)->reason, D(m, b)->reason);
}
static int c_job(const struct model *m, int a, int b)
{
    return strcmp(D(m, a)->job, D(m, b)->job);
}
/* as the column shows it: "-" (no job named), "(no job)" (named, not there), then the
 * job statuses in their order */
static int jstatus_rank(const struct dead_row *d)
{
    return d->job_status >= 0 ? d->job_status + 2 : d->job[0] ? 1 : 0;
}
static int c_jstatus(const struct model *m, int a, int b)
{
    return jstatus_rank(D(m, a)) - jstatus_rank(D(m, b));
}
static int c_body(const struct model *m, int a, int b)
{
    return strcmp(D(m, a)->body, D(m, b)->body);
}

enum {
    COL_QUEUE,
    COL_ID,
    COL_SHORT,
    COL_AGE,
    COL_JOB,
    COL_JSTATUS,
    COL_RECV,
    COL_REASON,
    COL_BODY
};
static const struct column cols[] = {
    [COL_QUEUE] = {"QUEUE", 16, 0, 0, 0, c_queue},
    [COL_ID] = {"MESSAGE", 36, 150, 0, 0, c_id},
    [COL_SHORT] = {"MESSAGE", 10, 0, 149, 0, c_id},
    [COL_AGE] = {"AGE", 5, 0, 0, 1, c_age},
    [COL_JOB] = {"JOB", 8, 100, 0, 0, c_job},
    [COL_JSTATUS] = {"JOB STATUS", 11, 60, 0, 0, c_jstatus}, /* 11: room for the sort mark */
    [COL_RECV] = {"RECV", 5, 100, 0, 1, c_recv},             /* 5: room for the sort mark */
    [COL_REASON] = {"REASON", 0, 0, 0, 0, c_reason},
    [COL_BODY] = {"BODY", 30, 110, 0, 0, c_body},
};

static int count(const struct model *m)
{
    return m->ndead;
}

static const char *key(const struct model *m, int row)
{
    return D(m, row)->id;
}

/* The end of a letter's id the list shows ("..0f3e9a1b" without the dots): the embedded
 * queue's ids are time-ordered (uuid7), so letters sent in one minute share their first 8
 * characters; the end is random (gas dlq redrive and delete take it as they take the id). */
static const char *id_end(const char *id)
{
    size_t l = strlen(id);
    return l > 8 ? id + l - 8 : id;
}

static void cell(const struct model *m, int row, int col, double now, char *buf, size_t n)
{
    const struct dead_row *d = D(m, row);
    switch (col) {
    case COL_QUEUE: snprintf(buf, n, "%s", d->queue); break;
    case COL_ID: snprintf(buf, n, "%s", d->id); break;
    case COL_SHORT: snprintf(buf, n, "..%s", id_end(d->id)); break;
    case COL_RECV: snprintf(buf, n, "%d", d->receives); break;
    case COL_AGE: ui_age_text(now - d->sent, buf, n); break;
    case COL_REASON: snprintf(buf, n, "%s", d->reason); break;
    case COL_JOB: /* a job id's first 8 characters, as everywhere; another text cut, marked */
        if (strlen(d->job) > 8 && (strlen(d->job) != 36 || d->job[8] != '-'))
            snprintf(buf, n, "%.6s..", d->job);
        else
            snprintf(buf, n, "%.8s", d->job[0] ? d->job : "-");
        break;
    case COL_JSTATUS:
        snprintf(buf, n, "%s",
                 d->job_status >= 0 ? job_status_name((enum job_status)d->job_status)
                 : d->job[0]        ? "(no job)"
                                    : "-");
        break;
    default: snprintf(buf, n, "%s", d->body); break;
    }
}

static int pair(const struct model *m, int row)
{
    return C_BAD;
}

static const char *extra(const struct model *m, int row, int i)
{
    return i == 0 ? D(m, row)->reason : i == 1 ? D(m, row)->body : NULL;
}

/* More dead letters than listed (the oldest DEAD_LISTED of each queue): say so. */
static void note(const struct model *m, char *buf, size_t n)
{
    if (m->dead_total > m->ndead)
        snprintf(buf, n, " (of %ld: oldest %d per queue)", m->dead_total, DEAD_LISTED);
}

const struct list_type dead_list = {
    "dead letters", cols, (int)(sizeof cols / sizeof *cols), count, key, cell, pair, COL_AGE, 0,
    extra,          note,
};

static struct ui_list *list(struct console *c)
{
    return &c->lists[V_DEAD];
}

static void on_model(struct console *c, const struct model *m)
{
    list_sync(list(c), m, NULL);
}

/* "label   text" wrapped at spaces over at most max lines from y (the last one ends in
 * "..." if the text is longer); returns the lines used. */
static int put_wrapped(int y, const char *label, const char *text, int max, int draw)
{
    int w = COLS - 9 > 10 ? COLS - 9 : 10, used = 0;
    size_t len = strlen(text), at = 0;
    while (used < max && (at < len || !used)) {
        size_t take = len - at < (size_t)w ? len - at : (size_t)w;
        if (at + take < len && text[at + take] != ' ')
            for (size_t k = take; k > 0; k--)
                if (text[at + k - 1] == ' ') {
                    take = k;
                    break;
                }
        int last = used == max - 1 && at + take < len;
        if (draw)
            ui_put(y + used, 0, "%-7s %.*s%s", used ? "" : label,
                   (int)(last && take > 3 ? take - 3 : take), text + at, last ? "..." : "");
        used++;
        at += take;
        while (at < len && text[at] == ' ')
            at++;
    }
    return used;
}

/* Under the list: the letter under the cursor in full (the reason and the body wrapped;
 * the columns cut them). */
static void draw(struct console *c, const struct model *m, int y, int h)
{
    int row = list_current(list(c)), preview = 0;
    const struct dead_row *d = row >= 0 ? D(m, row) : NULL;
    int rmax = h >= 16 ? 4 : 2, bmax = h >= 16 ? 3 : 1;
    if (d && h >= 10)
        preview = 1 + put_wrapped(0, "reason", d->reason, rmax, 0) +
                  put_wrapped(0, "body", d->body, bmax, 0);
    list_draw(c, list(c), m, y, h - preview);
    if (!m->ndead)
        ui_put(y + 2, 2, "no dead letters");
    if (!preview)
        return;
    int at = y + h - preview;
    ui_attr(c, C_HEAD, 1);
    ui_put(at, 0, "message %s  %s  received %d time%s", d->id, d->queue, d->receives,
           d->receives == 1 ? "" : "s");
    ui_attr(c, C_HEAD, 0);
    at += put_wrapped(at + 1, "reason", d->reason, rmax, 1);
    put_wrapped(at + 1, "body", d->body, bmax, 1);
}

/* A question about marked letters names the first few by their ids' ends. */
#define DEAD_ENDS_ASKED 4

/* What a redrive question says first when some of its letters were dead-lettered for
 * their bodies (msg_reason_is_body): unchanged, they come back (as gas dlq redrive notes). */
static void body_warning(char *buf, size_t n, int bad, int of, int listed)
{
    if (!bad)
        buf[0] = 0;
    else if (of == 1)
        snprintf(buf, n, "It was dead-lettered for its body: unchanged, it comes back. ");
    else if (bad == 2 && of == 2)
        snprintf(buf, n, "Both were dead-lettered for their bodies: they come back. ");
    else if (bad == of)
        snprintf(buf, n, "All %d%s were dead-lettered for their bodies: they come back. ", bad,
                 listed ? " listed" : "");
    else
        snprintf(buf, n, "%d of them were dead-lettered for their bodies: they come back. ", bad);
}

static const struct dead_row *dead_of(const struct model *m, const char *id)
{
    for (int i = 0; i < m->ndead; i++)
        if (!strcmp(m->dead[i].id, id))
            return &m->dead[i];
    return NULL;
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    char **keys = NULL, q[256], warn[96];
    int n, bad = 0;
    struct ui_list *l = list(c);
    if (a == ACT_REDRIVE_ALL && l->filter[0] && l->n < m->ndead) {
        /* a filter narrows the list: all means all it shows (as marked letters are) */
        if (!l->n)
            return K_HANDLED;
        keys = xcalloc((size_t)l->n, sizeof *keys);
        for (int i = 0; i < l->n; i++) {
            keys[i] = xstrdup(l->type->key(m, l->order[i]));
            bad += msg_reason_is_body(D(m, l->order[i])->reason);
        }
        body_warning(warn, sizeof warn, bad, l->n, 0);
        snprintf(q, sizeof q, "%sRedrive the %d dead letter%s the filter shows (of %d listed)?",
                 warn, l->n, l->n == 1 ? "" : "s", m->ndead);
        console_confirm(c, ACT_REDRIVE, keys, l->n, q);
        console_free_keys(keys, l->n);
        return K_HANDLED | K_REDRAW;
    }
    if (a == ACT_REDRIVE_ALL) {
        if (!m->ndead)
            return K_HANDLED;
        for (int i = 0; i < m->ndead; i++)
            bad += msg_reason_is_body(m->dead[i].reason);
        body_warning(warn, sizeof warn, bad, m->ndead, m->dead_total > m->ndead);
        if (m->dead_total > m->ndead)
            snprintf(q, sizeof q, "%sRedrive all %ld dead letters (%d of them listed)?", warn,
                     m->dead_total, m->ndead);
        else
            snprintf(q, sizeof q,
                     m->ndead == 1 ? "%sRedrive the %d dead letter?"
                                   : "%sRedrive all %d dead letters?",
                     warn, m->ndead);
        console_confirm(c, a, NULL, 0, q);
        return K_HANDLED | K_REDRAW;
    }
    if (a != ACT_REDRIVE && a != ACT_DELETE_DEAD)
        return K_IGNORED;
    const char *verb = a == ACT_REDRIVE ? "Redrive" : "Delete",
               *end = a == ACT_REDRIVE ? "" : " for good";
    if ((n = console_targets(c, m, list(c), &keys)) == 0)
        return K_HANDLED;
    for (int i = 0; a == ACT_REDRIVE && i < n; i++) {
        const struct dead_row *d = dead_of(m, keys[i]);
        bad += d && msg_reason_is_body(d->reason);
    }
    body_warning(warn, sizeof warn, bad, n, 0);
    if (n == 1) {
        const struct dead_row *d = dead_of(m, keys[0]);
        snprintf(q, sizeof q, "%s%s dead letter %s from %s%s?", warn, verb, keys[0],
                 d ? d->queue : "?", end);
    } else { /* their ids' ends, as the list shows them, for the first few */
        char ends[128] = "";
        size_t o = 0;
        for (int i = 0; i < n && i < DEAD_ENDS_ASKED; i++) {
            o += (size_t)snprintf(ends + o, sizeof ends - o, "%s..%s", i ? " " : "",
                                  id_end(keys[i]));
            o = o < sizeof ends ? o : sizeof ends - 1;
        }
        if (n > DEAD_ENDS_ASKED)
            snprintf(ends + o, sizeof ends - o, " and %d more", n - DEAD_ENDS_ASKED);
        snprintf(q, sizeof q, "%s%s %d marked dead letters (%s)%s?", warn, verb, n, ends, end);
    }
    console_confirm(c, a, keys, n, q);
    console_free_keys(keys, n);
    return K_HANDLED | K_REDRAW;
}

/* Nothing to redrive, delete or mark while the queues hold no dead letter. */
static uint64_t refused(struct console *c, const struct model *m)
{
    if (m->ndead > 0)
        return 0;
    (void)c;
    return ACT_BIT(ACT_REDRIVE) | ACT_BIT(ACT_REDRIVE_ALL) | ACT_BIT(ACT_DELETE_DEAD) |
           ACT_BIT(ACT_MARK);
}

const struct panel view_dead = {V_DEAD, "Dead letters", draw, key_, on_model, list, refused};
