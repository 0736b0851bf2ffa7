/* view_jobs: every job, sortable by any column, filterable, with marks; Enter shows the
 * job, r / c / u act on the marked jobs or the one under the cursor. */
#include "console.h"

#include "cli.h"

#include "gas/annot.h"
#include "gas/util.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#define J(m, i) (&(m)->jobs[i])

static int cmp_int(int64_t a, int64_t b)
{
    return a < b ? -1 : a > b;
}
static int c_id(const struct model *m, int a, int b)
{
    return strcmp(J(m, a)->id, J(m, b)->id);
}
static int c_user(const struct model *m, int a, int b)
{
    return strcmp(J(m, a)->user, J(m, b)->user);
}
static int c_status(const struct model *m, int a, int b)
{
    return J(m, a)->status - J(m, b)->status;
}
static int c_archive(const struct model *m, int a, int b)
{
    return J(m, a)->archive - J(m, b)->archive;
}
static int c_age(const struct model *m, int a, int b)
{
    int c = cmp_int(J(m, b)->submit, J(m, a)->submit);              /* younger first */
    return c ? c : cmp_int(J(m, b)->submit_ms, J(m, a)->submit_ms); /* in one second */
}
static int c_changed(const struct model *m, int a, int b)
{
    return cmp_int(J(m, b)->changed, J(m, a)->changed);
}
static int c_file(const struct model *m, int a, int b)
{
    return strcmp(J(m, a)->file, J(m, b)->file);
}

enum {
    COL_ID,
    COL_SHORT,
    COL_USER_WIDE,
    COL_USER,
    COL_USER_SHORT,
    COL_STATUS,
    COL_ARCHIVE,
    COL_AGE,
    COL_CHANGED,
    COL_FILE
};
static const struct column cols[] = {
    [COL_ID] = {"ID", 36, 120, 0, 0, c_id},
    [COL_SHORT] = {"ID", 8, 0, 119, 0, c_id},
    [COL_USER_WIDE] = {"USER", 16, 100, 0, 0, c_user}, /* as the users view's below 120 */
    [COL_USER] = {"USER", 12, 60, 99, 0, c_user},
    [COL_USER_SHORT] = {"USER", 8, 0, 59, 0, c_user}, /* below 60: FILE keeps 14 */
    [COL_STATUS] = {"STATUS", 9, 0, 0, 0, c_status},
    [COL_ARCHIVE] = {"ARCHIVE", 9, 70, 0, 0, c_archive}, /* below 70: FILE keeps 20 */
    [COL_AGE] = {"AGE", 5, 0, 0, 1, c_age},
    [COL_CHANGED] = {"CHANGED", 8, 100, 0, 1, c_changed}, /* 8: room for the sort mark */
    [COL_FILE] = {"FILE", 0, 0, 0, 0, c_file},
};

static int count(const struct model *m)
{
    return m->njobs;
}

static const char *key(const struct model *m, int row)
{
    return J(m, row)->id;
}

static void cell(const struct model *m, int row, int col, double now, char *buf, size_t n)
{
    const struct job_row *r = J(m, row);
    switch (col) {
    case COL_ID: snprintf(buf, n, "%s", r->id); break;
    case COL_SHORT: snprintf(buf, n, "%.8s", r->id); break;
    case COL_USER_WIDE:
    case COL_USER:
    case COL_USER_SHORT: snprintf(buf, n, "%s", r->user); break;
    case COL_STATUS:
        snprintf(buf, n, "%s", r->status >= 0 ? job_status_name((enum job_status)r->status) : "?");
        break;
    case COL_ARCHIVE:
        snprintf(buf, n, "%s",
                 r->archive >= 0 ? archive_state_name((enum archive_state)r->archive) : "?");
        break;
    case COL_AGE: ui_age_text(now - (double)r->submit, buf, n); break;
    case COL_CHANGED: ui_age_text(now - (double)r->changed, buf, n); break;
    default: /* a result passed through without annotation says why after its name */
        if (r->status == JOB_COMPLETED && r->unannotated) {
            char why[48];
            snprintf(buf, n, "%s (%s)", r->file,
                     cli_unannotated_why(r->build, r->unannotated, why, sizeof why));
        } else
            snprintf(buf, n, "%s", r->file);
        break;
    }
}

static int pair(const struct model *m, int row)
{
    return ui_status_pair(J(m, row)->status, J(m, row)->archive);
}

/* What the filter also finds a row by: a FAILED job's error (the line under the list shows
 * it; a PENDING job's note of an earlier failure is not shown, so not matched), and a
 * file name the row cuts, whole (a word in its cut middle) */
static const char *extra(const struct model *m, int row, int i)
{
    const struct job_row *r = J(m, row);
    const char *x[2];
    int n = 0;
    if (r->status == JOB_FAILED && r->error[0])
        x[n++] = r->error;
    const char *whole = job_row_long_name(m->rows, r);
    if (whole)
        x[n++] = whole;
    return i < n ? x[i] : NULL;
}

const struct list_type jobs_list = {
    "jobs", cols, (int)(sizeof cols / sizeof *cols), count, key, cell, pair, COL_AGE, 0,
    extra,  NULL,
};

const char *job_refusal(enum action a, int status, char *buf, size_t n)
{
    const char *name = status >= 0 ? job_status_name((enum job_status)status) : "?";
    if (a == ACT_CANCEL && status != JOB_PENDING)
        snprintf(buf, n, "the job is %s: only a PENDING job can be cancelled", name);
    else if (a == ACT_RETRY && status != JOB_FAILED && status != JOB_PENDING)
        snprintf(buf, n, "the job is %s: only FAILED or PENDING jobs are retried", name);
    else
        return NULL;
    return buf;
}

int job_upgrade_question(struct console *c, const struct model *m, const char *user,
                         const char *job, char *q, size_t n)
{
    const struct user_row *u = user_find(m, user);
    if (u && !user_upgrade_question(u, q, n)) {
        console_say(c, 1, "user %s is premium already (nothing archived): nothing to upgrade",
                    user);
        return 0;
    }
    if (!u)
        snprintf(q, n, "Upgrade user %s (owner of job %.8s) to premium?", user, job);
    else if (u->role != ROLE_PREMIUM && u->archived)
        snprintf(q, n, "Upgrade user %s (owner of job %.8s) to premium (restores %d archived)?",
                 user, job, u->archived);
    else if (u->role != ROLE_PREMIUM)
        snprintf(q, n, "Upgrade user %s (owner of job %.8s) to premium?", user, job);
    return 1;
}

void job_question(enum action a, const char *what, int status, const char *error, char *q, size_t n)
{
    int permanent = a == ACT_RETRY && job_error_permanent(status, error);
    if (permanent || (a == ACT_RETRY && status == JOB_PENDING)) { /* short id: it must fit */
        char w[200];
        snprintf(w, sizeof w, "%s", what);
        char *sp = strchr(w, ' ');
        if (sp && strlen(sp + 1) > 36 && sp[37] == ' ')
            memmove(sp + 9, sp + 37, strlen(sp + 37) + 1);
        snprintf(q, n, "Retry %s? %s", w + 4,
                 permanent ? "It fails again unless the input changes"
                           : "It is PENDING: sends another request"); /* its first queued? */
    } else {
        snprintf(q, n, "%s %s?", a == ACT_RETRY ? "Retry" : "Cancel", what);
    }
}

static struct ui_list *list(struct console *c)
{
    return &c->lists[V_JOBS];
}

static void on_model(struct console *c, const struct model *m)
{
    struct list_changes ch = {m->jobs_version, m->rows->base, m->rows->changed, m->rows->nchanged};
    list_sync(list(c), m, &ch);
}

/* Under the list, for the job under the cursor: why it failed, or that it was not
 * annotated (Enter shows everything). */
static void draw(struct console *c, const struct model *m, int y, int h)
{
    int row = list_current(list(c));
    const struct job_row *r = row >= 0 ? &m->jobs[row] : NULL;
    char why[512] = "";
    /* the error as much as the line holds; cut, it ends in ".. (Enter: all of it)" */
    int room = COLS - 10; /* after "%.8s " */
    if (r && r->status == JOB_FAILED && r->error[0]) {
        static const char more[] = ".. (Enter: all of it)";
        int len = snprintf(why, sizeof why, "failed: %s", r->error);
        int cut = strlen(r->error) == sizeof r->error - 1 || len > room;
        int keep = room - (int)sizeof more + 1;
        size_t at = (size_t)(keep < len ? keep : len);
        if (cut && keep > 8)
            snprintf(why + at, sizeof why - at, "%s", more);
    } else if (r && r->unannotated)
        snprintf(why, sizeof why, "not annotated: %s (Enter: why)",
                 r->build[0] ? r->build : "its build has no sources");
    /* the line is kept while any job could use it, so that the list keeps its height as
     * the cursor moves between a FAILED job and a COMPLETED one */
    int any = m->snap.by_status[JOB_FAILED] > 0;
    for (int i = 0; !any && i < m->njobs; i++)
        any = m->jobs[i].unannotated && m->jobs[i].status == JOB_COMPLETED;
    int pane = (why[0] || any) && h >= 10;
    list_draw(c, list(c), m, y, h - pane);
    if (pane && why[0]) {
        ui_attr(c, C_BUSY, 1);
        ui_put(y + h - 1, 0, "%.8s %s", r->id, why);
        ui_attr(c, C_BUSY, 0);
    }
}

/* "job 1a2b3c4d (ann, free_1.vcf)" or "3 marked jobs" */
static void describe(const struct model *m, char **keys, int n, char *buf, size_t len)
{
    if (n != 1) {
        snprintf(buf, len, "%d marked jobs", n);
        return;
    }
    for (int i = 0; i < m->njobs; i++)
        if (!strcmp(m->jobs[i].id, keys[0])) {
            snprintf(buf, len, "job %s (%s, %s)", keys[0], m->jobs[i].user, m->jobs[i].file);
            return;
        }
    snprintf(buf, len, "job %s", keys[0]);
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    struct ui_list *l = list(c);
    int row = list_current(l);
    char **keys = NULL, what[200], q[256];
    int n;
    switch (a) {
    case ACT_OPEN:
        if (row >= 0)
            console_open_detail(c, m, m->jobs[row].id);
        return K_HANDLED | K_REDRAW;
    case ACT_RETRY:
    case ACT_CANCEL:
        if ((n = console_targets(c, m, l, &keys)) == 0)
            return K_HANDLED;
        const struct job_row *r = n == 1 && !l->nmarks && row >= 0 ? &m->jobs[row] : NULL;
        int bad_input = 0, refused_n = 0; /* marked jobs that failed on their input; that
                                                  the action refuses (a cancel of a COMPLETED) */
        for (int k = 0; k < n; k++)
            for (int i = 0; i < m->njobs; i++)
                if (!strcmp(m->jobs[i].id, keys[k])) {
                    if (n == 1)
                        r = &m->jobs[i];
                    bad_input += job_error_permanent(m->jobs[i].status, m->jobs[i].error);
                    refused_n += job_refusal(a, m->jobs[i].status, what, sizeof what) != NULL;
                    break;
                }
        if (r && job_refusal(a, r->status, what, sizeof what)) {
            console_say(c, 1, "%.8s: %s", r->id, what);
            console_free_keys(keys, n);
            return K_HANDLED | K_REDRAW;
        }
        if (n > 1 && refused_n == n) { /* nothing to ask about */
            console_say(c, 1, "none of the %d marked jobs is %s: nothing to %s", n,
                        a == ACT_CANCEL ? "PENDING" : "FAILED or PENDING",
                        a == ACT_CANCEL ? "cancel" : "retry");
            console_free_keys(keys, n);
            return K_HANDLED | K_REDRAW;
        }
        describe(m, keys, n, what, sizeof what);
        job_question(a, what, r ? r->status : -1, r ? r->error : NULL, q, sizeof q);
        char stays[96] = ""; /* the marked jobs the action leaves as they are */
        if (n > 1 && refused_n)
            snprintf(stays, sizeof stays, "%d %s not %s and stay%s as %s", refused_n,
                     refused_n == 1 ? "is" : "are",
                     a == ACT_CANCEL ? "PENDING" : "FAILED or PENDING", refused_n == 1 ? "s" : "",
                     refused_n == 1 ? "it is" : "they are");
        if (a == ACT_RETRY && n > 1 && bad_input)
            snprintf(q, sizeof q,
                     "Retry %s? %d failed on %s input and fail%s again unless it changes%s%s", what,
                     bad_input, bad_input == 1 ? "its" : "their", bad_input == 1 ? "s" : "",
                     stays[0] ? "; " : "", stays);
        else if (n > 1 && refused_n)
            snprintf(q, sizeof q, "%s %s? %d %s not %s and stay%s as %s",
                     a == ACT_CANCEL ? "Cancel" : "Retry", what, refused_n,
                     refused_n == 1 ? "is" : "are",
                     a == ACT_CANCEL ? "PENDING" : "FAILED or PENDING", refused_n == 1 ? "s" : "",
                     refused_n == 1 ? "it is" : "they are");
        console_confirm(c, a, keys, n, q);
        console_free_keys(keys, n);
        return K_HANDLED | K_REDRAW;
    case ACT_UPGRADE:
        if (row < 0)
            return K_HANDLED;
        if (!job_upgrade_question(c, m, m->jobs[row].user, m->jobs[row].id, q, sizeof q))
            return K_HANDLED | K_REDRAW;
        keys = xcalloc(1, sizeof *keys);
        keys[0] = xstrdup(m->jobs[row].user);
        console_confirm(c, a, keys, 1, q);
        console_free_keys(keys, 1);
        return K_HANDLED | K_REDRAW;
    default: return K_IGNORED;
    }
}

/* Retry and cancel while some target (the marked jobs, else the cursor's) can take them;
 * upgrade while the cursor job's owner has something to upgrade or restore. */
static uint64_t refused(struct console *c, const struct model *m)
{
    struct ui_list *l = list(c);
    int row = list_current(l), retry = 0, cancel = 0;
    for (int k = 0; k < (l->nmarks ? l->nmarks : 1); k++) {
        const struct job_row *r = NULL;
        if (!l->nmarks)
            r = row >= 0 ? &m->jobs[row] : NULL;
        else
            for (int i = 0; i < m->njobs && !r; i++)
                if (!strcmp(m->jobs[i].id, l->marks[k]))
                    r = &m->jobs[i];
        char why[160];
        if (!r) { /* a marked job the model no longer holds: the key says */
            retry = cancel = l->nmarks > 0;
            continue;
        }
        retry |= !job_refusal(ACT_RETRY, r->status, why, sizeof why);
        cancel |= !job_refusal(ACT_CANCEL, r->status, why, sizeof why);
    }
    uint64_t out = (retry ? 0 : ACT_BIT(ACT_RETRY)) | (cancel ? 0 : ACT_BIT(ACT_CANCEL));
    char q[256];
    const struct user_row *u = row >= 0 ? user_find(m, m->jobs[row].user) : NULL;
    if (row < 0 || (u && !user_upgrade_question(u, q, sizeof q)))
        out |= ACT_BIT(ACT_UPGRADE);
    if (row < 0)
        out |= ACT_BIT(ACT_OPEN) | ACT_BIT(ACT_MARK);
    return out;
}

const struct panel view_jobs = {V_JOBS, "Jobs", draw, key_, on_model, list, refused};
