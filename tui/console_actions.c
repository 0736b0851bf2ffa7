/* console_actions: what a confirmed console action does (the same app_* calls as the gas
 * commands), on every row it names; the status line says how many worked and why any
 * failed. */
#include "console.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <ctype.h>
#include <string.h>

static int one(struct console *c, const struct model *m, enum action a, const char *key)
{
    switch (a) {
    case ACT_RETRY: return app_retry(c->app, key);
    case ACT_CANCEL: return app_cancel(c->app, key, NULL); /* reads its error */
    case ACT_UPGRADE: return app_set_role(c->app, key, ROLE_PREMIUM);
    case ACT_DOWNGRADE: return app_set_role(c->app, key, ROLE_FREE);
    case ACT_REDRIVE:
    case ACT_DELETE_DEAD: {
        const char *queue = NULL;
        for (int i = 0; i < m->ndead && !queue; i++)
            if (!strcmp(m->dead[i].id, key))
                queue = m->dead[i].queue;
        if (!queue)
            return gas_err_set(GAS_ENOTFOUND, "dead letter %s is gone", key);
        struct queue *q = NULL;
        int rc = be_queue(c->app->be, queue, &q);
        if (!rc)
            rc = a == ACT_REDRIVE ? queue_redrive(q, key, NULL) : queue_dead_delete(q, key);
        queue_close(q);
        return rc;
    }
    default: return 0;
    }
}

static int redrive_all(struct console *c, const struct model *m, int *total)
{
    int rc = 0;
    *total = 0;
    for (int i = 0; i < m->snap.nq && !rc; i++) {
        struct queue *q = NULL;
        int moved = 0;
        rc = be_queue(c->app->be, m->snap.q[i].name, &q);
        if (!rc)
            rc = queue_redrive(q, NULL, &moved);
        *total += moved;
        queue_close(q);
    }
    return rc;
}

static const char *done_word(enum action a)
{
    switch (a) {
    case ACT_RETRY: return "retried (PENDING, request sent)";
    case ACT_CANCEL: return "cancelled";
    case ACT_UPGRADE: return "upgraded to premium: restore requested";
    case ACT_DOWNGRADE: return "downgraded to free";
    case ACT_DELETE_DEAD: return "deleted";
    default: return "redriven";
    }
}

/* A message with its job ids cut to the 8 characters the lists show (it fits a line). */
static void short_ids(const char *msg, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = msg; *p && o + 1 < n;) {
        size_t k = 0;
        while (k < 36 && p[k] && (isxdigit((unsigned char)p[k]) || p[k] == '-'))
            k++;
        int uuid = k == 36 && p[8] == '-' && p[13] == '-' && p[18] == '-' && p[23] == '-';
        size_t take = uuid ? 8 : 1;
        for (size_t i = 0; i < take && o + 1 < n; i++)
            out[o++] = p[i];
        p += uuid ? 36 : 1;
    }
    out[o] = 0;
}

/* Letters that come back after a redrive (they fail again) are not a new alarm. */
static void note_redrive(struct console *c, int n)
{
    if (n <= 0)
        return;
    pthread_mutex_lock(&c->lock);
    c->redriven = n;
    c->redrive_t = gas_now_s();
    pthread_mutex_unlock(&c->lock);
}

void console_run(struct console *c, const struct model *m, const struct pending *p)
{
    if (!m)
        return;
    if (p->action == ACT_REDRIVE_ALL) {
        int total, rc = redrive_all(c, m, &total);
        if (rc)
            console_say(c, 1, "redrive failed after %d: %s", total, gas_errmsg());
        else
            console_say(c, 0, "%d dead letter%s redriven", total, total == 1 ? "" : "s");
        note_redrive(c, total);
        list_clear_marks(&c->lists[V_DEAD]);
        return;
    }
    int ok = 0, failed = 0, left = 0;
    char why[200] = "";
    for (int i = 0; i < p->nkeys; i++) {
        /* a marked job the action does not apply to (the question said so): left as it is */
        int status = -1;
        for (int k = 0; p->nkeys > 1 && (p->action == ACT_RETRY || p->action == ACT_CANCEL) &&
                        k < m->njobs && status < 0;
             k++)
            if (!strcmp(m->jobs[k].id, p->keys[i]))
                status = m->jobs[k].status;
        char refusal[160];
        if (status >= 0 && job_refusal(p->action, status, refusal, sizeof refusal)) {
            left++;
            continue;
        }
        if (one(c, m, p->action, p->keys[i]) == 0)
            ok++;
        else if (!failed++)
            short_ids(gas_errmsg(), why, sizeof why);
    }
    if (p->action == ACT_REDRIVE)
        note_redrive(c, ok);
    const char *noun = p->action == ACT_UPGRADE || p->action == ACT_DOWNGRADE     ? "user"
                       : p->action == ACT_REDRIVE || p->action == ACT_DELETE_DEAD ? "dead letter"
                                                                                  : "job";
    const struct user_row *u =
        p->nkeys == 1 && (p->action == ACT_UPGRADE || p->action == ACT_DOWNGRADE)
            ? user_find(m, p->keys[0])
            : NULL;
    struct app_archived ac = {0};
    int archived = u && !failed && p->action == ACT_UPGRADE /* read now, as gas upgrade */
                       ? app_archived_count(c->app, u->id, &ac)
                       : 0;
    if (u && !failed && p->action == ACT_UPGRADE && ac.unreadable) /* as gas upgrade warns */
        console_say(c, 1,
                    "user %s upgraded to premium; %d job items cannot be read, not restored: %s",
                    u->id, ac.unreadable, ac.first_bad);
    else if (u && !failed && p->action == ACT_UPGRADE && archived > 0)
        console_say(c, 0, "user %s upgraded to premium: restore of %d archived result%s requested",
                    u->id, archived, archived == 1 ? "" : "s");
    else if (u && !failed && p->action == ACT_UPGRADE && archived == 0)
        console_say(c, 0, "user %s upgraded to premium: nothing archived to restore", u->id);
    else if (u && !failed && p->action == ACT_UPGRADE)
        console_say(c, 0, "user %s upgraded to premium: restore requested", u->id);
    else if (u && !failed) /* as gas downgrade says it */
        console_say(c, 0, "user %s downgraded: results of the last %lld s and new ones go cold",
                    u->id, (long long)cfg_int(c->cfg, CFG_ARCHIVE_GRACE)); /* fits 80 */
    else if (p->nkeys == 1 && !failed)
        console_say(c, 0, "%s %s %s", noun, p->keys[0], done_word(p->action));
    else if (!failed && left)
        console_say(c, 0, "%d %s%s %s; %d left as %s (not %s)", ok, noun, ok == 1 ? "" : "s",
                    done_word(p->action), left, left == 1 ? "it was" : "they were",
                    p->action == ACT_CANCEL ? "PENDING" : "FAILED or PENDING");
    else if (!failed)
        console_say(c, 0, "%d %ss %s", ok, noun, done_word(p->action));
    else
        console_say(c, 1, "%d of %d %ss %s; %d failed: %s", ok, p->nkeys, noun,
                    done_word(p->action), failed, why);
    if (!failed && (p->view == V_JOBS || p->view == V_DEAD))
        list_clear_marks(&c->lists[p->view]);
}
