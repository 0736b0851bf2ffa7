/* view_jobs: every job, sortable by any column, filterable, with marks; Enter shows the
 * job, r / c / u act on the marked jobs or the one under the cursor. */
#include "console.h"

#include "cli.h"

#include "gas/util.h"

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
    return cmp_int(J(m, b)->submit, J(m, a)->submit); /* younger first */
}
static int c_changed(const struct model *m, int a, int b)
{
    return cmp_int(J(m, b)->changed, J(m, a)->changed);
}
static int c_file(const struct model *m, int a, int b)
{
    return strcmp(J(m, a)->file, J(m, b)->file);
}

enum { COL_ID, COL_SHORT, COL_USER, COL_STATUS, COL_ARCHIVE, COL_AGE, COL_CHANGED, COL_FILE };
static const struct column cols[] = {
    [COL_ID] = {"ID", 36, 120, 0, 0, c_id},
    [COL_SHORT] = {"ID", 8, 0, 119, 0, c_id},
    [COL_USER] = {"USER", 12, 0, 0, 0, c_user},
    [COL_STATUS] = {"STATUS", 9, 0, 0, 0, c_status},
    [COL_ARCHIVE] = {"ARCHIVE", 9, 60, 0, 0, c_archive},
    [COL_AGE] = {"AGE", 5, 0, 0, 1, c_age},
    [COL_CHANGED] = {"CHANGED", 7, 100, 0, 1, c_changed},
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
    case COL_USER: snprintf(buf, n, "%s", r->user); break;
    case COL_STATUS:
        snprintf(buf, n, "%s", r->status >= 0 ? job_status_name((enum job_status)r->status) : "?");
        break;
    case COL_ARCHIVE:
        snprintf(buf, n, "%s",
                 r->archive >= 0 ? archive_state_name((enum archive_state)r->archive) : "?");
        break;
    case COL_AGE: ui_age_text(now - (double)r->submit, buf, n); break;
    case COL_CHANGED: ui_age_text(now - (double)r->changed, buf, n); break;
    default: snprintf(buf, n, "%s", r->file); break;
    }
}

static int pair(const struct model *m, int row)
{
    return ui_status_pair(J(m, row)->status, J(m, row)->archive);
}

const struct list_type jobs_list = {
    "jobs", cols, (int)(sizeof cols / sizeof *cols), count, key, cell, pair, COL_AGE, 0,
};

static struct ui_list *list(struct console *c)
{
    return &c->lists[V_JOBS];
}

static void on_model(struct console *c, const struct model *m)
{
    struct list_changes ch = {m->jobs_version, m->rows->base, m->rows->changed, m->rows->nchanged};
    list_sync(list(c), m, &ch);
}

static void draw(struct console *c, const struct model *m, int y, int h)
{
    list_draw(c, list(c), m, y, h);
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
        describe(m, keys, n, what, sizeof what);
        snprintf(q, sizeof q, "%s %s?", a == ACT_RETRY ? "Retry" : "Cancel", what);
        console_confirm(c, a, keys, n, q);
        console_free_keys(keys, n);
        return K_HANDLED | K_REDRAW;
    case ACT_UPGRADE:
        if (row < 0)
            return K_HANDLED;
        keys = xcalloc(1, sizeof *keys);
        keys[0] = xstrdup(m->jobs[row].user);
        snprintf(q, sizeof q, "Upgrade user %s (owner of job %.8s) to premium?", keys[0],
                 m->jobs[row].id);
        console_confirm(c, a, keys, 1, q);
        console_free_keys(keys, 1);
        return K_HANDLED | K_REDRAW;
    default: return K_IGNORED;
    }
}

const struct panel view_jobs = {V_JOBS, "Jobs", draw, key_, on_model, list};
