/* view_users: every user with their jobs (failed, archived, being restored); Enter lists
 * the user's jobs, u / d change the role of the user under the cursor. */
#include "console.h"

#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

#define U(m, i) (&(m)->users[i])

static int c_id(const struct model *m, int a, int b)
{
    return strcmp(U(m, a)->id, U(m, b)->id);
}
static int c_role(const struct model *m, int a, int b)
{
    return U(m, a)->role - U(m, b)->role;
}
static int c_jobs(const struct model *m, int a, int b)
{
    return U(m, a)->jobs - U(m, b)->jobs;
}
static int c_failed(const struct model *m, int a, int b)
{
    return U(m, a)->failed - U(m, b)->failed;
}
static int c_archived(const struct model *m, int a, int b)
{
    return U(m, a)->archived - U(m, b)->archived;
}
static int c_restoring(const struct model *m, int a, int b)
{
    return U(m, a)->restoring - U(m, b)->restoring;
}
static int c_name(const struct model *m, int a, int b)
{
    return strcmp(U(m, a)->name, U(m, b)->name);
}
static int c_email(const struct model *m, int a, int b)
{
    return strcmp(U(m, a)->email, U(m, b)->email);
}

/* FAILED and RESTORING say what needs attention: a count, or "-" for none (the filter
 * finds a user with some by the column's name too: extra). Every column is wider than its
 * title, so that the sort mark after it keeps a space before the next one. Narrow screens get the
 * short forms: a long user id (an accounts database's UUID) cut to its head and tail as in the jobs
 * view, the role without "_user"; the email is the rest. */
enum {
    COL_ID,
    COL_SHORT,
    COL_ROLE,
    COL_ROLE_SHORT,
    COL_JOBS,
    COL_ARCHIVED,
    COL_FAILED,
    COL_RESTORING,
    COL_NAME,
    COL_EMAIL
};
static const struct column cols[] = {
    [COL_ID] = {"USER", 36, 120, 0, 0, c_id},
    [COL_SHORT] = {"USER", 16, 0, 119, 0, c_id},
    [COL_ROLE] = {"ROLE", 12, 100, 0, 0, c_role},
    [COL_ROLE_SHORT] = {"ROLE", 7, 0, 99, 0, c_role},
    [COL_JOBS] = {"JOBS", 5, 0, 0, 1, c_jobs},
    [COL_ARCHIVED] = {"ARCHIVED", 9, 0, 0, 1, c_archived},
    [COL_FAILED] = {"FAILED", 7, 0, 0, 1, c_failed},
    /* at 80 columns too: an upgrade's retrievals can take hours (Glacier), and ARCHIVED
     * alone would read 0 while they run */
    [COL_RESTORING] = {"RESTORING", 10, 0, 0, 1, c_restoring},
    [COL_NAME] = {"NAME", 16, 100, 0, 0, c_name},
    [COL_EMAIL] = {"EMAIL", 0, 60, 0, 0, c_email},
};

static int count(const struct model *m)
{
    return m->nusers;
}

static const char *key(const struct model *m, int row)
{
    return U(m, row)->id;
}

/* what needs attention stands out: its count; none is "-" */
static void count_or_dash(int v, char *buf, size_t n)
{
    if (v)
        snprintf(buf, n, "%d", v);
    else
        snprintf(buf, n, "-");
}

static void cell(const struct model *m, int row, int col, double now, char *buf, size_t n)
{
    const struct user_row *u = U(m, row);
    switch (col) {
    case COL_ID: snprintf(buf, n, "%s", u->id); break;
    case COL_SHORT: /* cut as every view cuts a long id: its head and its tail (ui_elide) */
        snprintf(buf, n, "%s", u->id);
        break;
    case COL_ROLE:
        snprintf(buf, n, "%s", u->role >= 0 ? user_role_name((enum user_role)u->role) : "?");
        break;
    case COL_ROLE_SHORT:
        snprintf(buf, n, "%s",
                 u->role == ROLE_PREMIUM ? "premium"
                 : u->role == ROLE_FREE  ? "free"
                                         : "?");
        break;
    case COL_JOBS: snprintf(buf, n, "%d", u->jobs); break;
    case COL_FAILED: count_or_dash(u->failed, buf, n); break;
    case COL_ARCHIVED: snprintf(buf, n, "%d", u->archived); break;
    case COL_RESTORING: count_or_dash(u->restoring, buf, n); break;
    case COL_NAME: snprintf(buf, n, "%s", u->name); break;
    default: snprintf(buf, n, "%s", u->email); break;
    }
}

static int pair(const struct model *m, int row)
{
    return U(m, row)->restoring ? C_BUSY : U(m, row)->failed ? C_BAD : 0;
}

/* A user with failed jobs or results being restored is found by the column's name as well
 * (/failed, /restoring), as the jobs view finds the jobs by their status. */
static const char *extra(const struct model *m, int row, int i)
{
    const char *x[2];
    int n = 0;
    if (U(m, row)->failed)
        x[n++] = "FAILED";
    if (U(m, row)->restoring)
        x[n++] = "RESTORING";
    return i < n ? x[i] : NULL;
}

const struct list_type user_rows_list = {
    "users", cols, (int)(sizeof cols / sizeof *cols), count, key, cell, pair, COL_ID, 0,
    extra,   NULL,
};

static struct ui_list *list(struct console *c)
{
    return &c->lists[V_USERS];
}

static void on_model(struct console *c, const struct model *m)
{
    struct list_changes ch = {m->users_version, 0, NULL, 0};
    list_sync(list(c), m, &ch);
}

static void draw(struct console *c, const struct model *m, int y, int h)
{
    list_draw(c, list(c), m, y, h);
}

static int key_(struct console *c, const struct model *m, enum action a)
{
    int row = list_current(list(c));
    if (row < 0 || (a != ACT_OPEN && a != ACT_UPGRADE && a != ACT_DOWNGRADE))
        return a == ACT_OPEN || a == ACT_UPGRADE || a == ACT_DOWNGRADE ? K_HANDLED : K_IGNORED;
    const struct user_row *u = U(m, row);
    if (a == ACT_OPEN) { /* the user's jobs: the jobs view filtered on its USER column (Esc:
                            back here) */
        struct ui_list *jl = &c->lists[V_JOBS];
        snprintf(jl->filter, sizeof jl->filter, "user=%s", u->id);
        snprintf(c->filter_was[V_JOBS], sizeof c->filter_was[V_JOBS], "%s", jl->filter); /* n */
        jl->cur = 0;
        jl->cur_key[0] = 0;
        c->view = V_JOBS;
        c->jobs_of_user = 1;
        return K_HANDLED | K_REDRAW;
    }
    char q[256], *keys[1] = {(char *)u->id};
    if (a == ACT_UPGRADE ? !user_upgrade_question(u, q, sizeof q) : u->role == ROLE_FREE) {
        console_say(c, 1, "user %s is %s already%s: nothing to %s", u->id,
                    a == ACT_UPGRADE ? "premium" : "free",
                    a == ACT_UPGRADE ? " (nothing archived)" : "",
                    a == ACT_UPGRADE ? "upgrade" : "downgrade"); /* as the jobs view says it */
        return K_HANDLED | K_REDRAW;
    }
    if (a == ACT_DOWNGRADE)
        snprintf(q, sizeof q, "Downgrade user %s to free?", u->id);
    console_confirm(c, a, keys, 1, q);
    return K_HANDLED | K_REDRAW;
}

const struct user_row *user_find(const struct model *m, const char *user)
{
    for (int i = 0; i < m->nusers; i++)
        if (!strcmp(m->users[i].id, user))
            return &m->users[i];
    return NULL;
}

int user_upgrade_question(const struct user_row *u, char *q, size_t n)
{
    if (u->role != ROLE_PREMIUM)
        snprintf(q, n, "Upgrade user %s to premium (restores %d archived result%s)?", u->id,
                 u->archived, u->archived == 1 ? "" : "s");
    else if (u->archived)
        snprintf(q, n, "User %s is premium already: request the restore of %d archived result%s?",
                 u->id, u->archived, u->archived == 1 ? "" : "s");
    else
        return 0;
    return 1;
}

/* Upgrade while the user is free or premium with archived results; downgrade while
 * premium. */
static uint64_t refused(struct console *c, const struct model *m)
{
    int row = list_current(list(c));
    if (row < 0)
        return ACT_BIT(ACT_OPEN) | ACT_BIT(ACT_UPGRADE) | ACT_BIT(ACT_DOWNGRADE);
    const struct user_row *u = U(m, row);
    char q[256];
    return (user_upgrade_question(u, q, sizeof q) ? 0 : ACT_BIT(ACT_UPGRADE)) |
           (u->role == ROLE_FREE ? ACT_BIT(ACT_DOWNGRADE) : 0);
}

const struct panel view_users = {V_USERS, "Users", draw, key_, on_model, list, refused};
