/* gas status, gas dlq list|redrive|delete. */
#include "cli.h"
#include "commands.h"
#include "model.h"
#include "snapshot.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/msg.h"
#include "gas/json.h"
#include "gas/topology.h"
#include "gas/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_status(struct cli *c)
{
    int json = cli_flag(c, "json");
    struct gas_app *app = cli_app(c->cfg, "status");
    if (!app)
        return 1;
    /* read as the console reads it, so that both raise the same alerts (a lost or failed
     * worker, work waiting with no worker alive) */
    struct model_source *src = model_source_new();
    struct model_history *hist = xcalloc(1, sizeof *hist);
    struct model *m = xcalloc(1, sizeof *m);
    int rc = model_collect(app, src, hist, m);
    const struct snapshot *s = &m->snap;
    if (json) {
        cJSON *j = snapshot_json(s);
        cJSON *al = cJSON_AddArrayToObject(j, "alerts");
        for (int i = 0; i < m->nalerts; i++)
            cJSON_AddItemToArray(al, cJSON_CreateString(m->alerts[i].text));
        if (m->note[0])
            cJSON_AddStringToObject(j, "note", m->note);
        else
            cJSON_AddNullToObject(j, "note");
        cJSON *sys = cJSON_AddObjectToObject(j, "system");
        cJSON_AddStringToObject(sys, "backend", app->be->name);
        if (!strcmp(app->be->name, "local")) {
            char dir[PATH_MAX];
            const char *d = cfg_str(c->cfg, CFG_DATA_DIR);
            cJSON_AddStringToObject(sys, "data_dir", realpath(d, dir) ? dir : d);
        }
        if (cfg_file(c->cfg))
            cJSON_AddStringToObject(sys, "config", cfg_file(c->cfg));
        else
            cJSON_AddNullToObject(sys, "config");
        cli_print_json(j);
    } else {
        char where[2 * PATH_MAX + 64];
        cli_where(c->cfg, app->be->name, where, sizeof where);
        printf("system: %s\n", where);
        for (int i = 0; i < m->nalerts; i++) /* the console's, and what to do where it is plain */
            printf("ALERT: %s%s\n", m->alerts[i].text,
                   !strncmp(m->alerts[i].key, "idle:", 5) ? ": start gasd" : "");
        if (m->note[0])
            printf("note: %s\n", m->note);
        printf("\n");
        snapshot_print(s, stdout);
    }
    model_free(m);
    free(m);
    free(hist);
    model_source_free(src);
    app_close(app);
    return rc ? 1 : 0;
}

static const enum cfg_key queues[] = {CFG_REQUESTS_QUEUE, CFG_NOTIFY_QUEUE, CFG_ARCHIVE_QUEUE,
                                      CFG_RESTORE_QUEUE,  CFG_THAW_QUEUE,   CFG_SES_EVENTS_QUEUE};

static cJSON *dead_json(const char *queue, const struct queue_msg *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "queue", queue);
    cJSON_AddStringToObject(o, "message_id", m->id);
    cJSON_AddNumberToObject(o, "receive_count", m->receive_count);
    cJSON_AddNumberToObject(o, "sent_at", m->sent_at);
    if (m->reason)
        cJSON_AddStringToObject(o, "reason", m->reason);
    else
        cJSON_AddNullToObject(o, "reason");
    cJSON_AddStringToObject(o, "body", m->body ? m->body : "");
    return o;
}

/* s on one line: control characters as '?' (gas_printable), line breaks and tabs as
 * spaces (a pretty-printed JSON body must not break the table). */
static char *one_line(char *s)
{
    gas_printable(s);
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    return s;
}

/* How many bytes of s to show for at most max bytes without cutting a UTF-8 character. */
static size_t utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

#define DLQ_BODY_SHOWN 100 /* bytes of a body in the text list (--json has it whole) */

/* One queue's dead letters into json (an array): the oldest DLQ_LISTED;
 * when it has more, a line on stderr says how many were not listed. */
#define DLQ_LISTED 100
static int dlq_list(struct queue *q, cJSON *json)
{
    struct queue_msg m[DLQ_LISTED];
    int n = 0, rc = queue_dead_list(q, DLQ_LISTED, m, &n);
    if (rc)
        return rc;
    struct queue_depths d;
    if (n == DLQ_LISTED && !queue_depths(q, &d) && d.dead > n)
        fprintf(stderr,
                "gas dlq list: %s has %lld dead letters: the oldest %d are listed (gas dlq "
                "redrive %s sends them all back)\n",
                q->name, (long long)d.dead, n, q->name);
    for (int i = 0; i < n; i++) {
        cJSON_AddItemToArray(json, dead_json(q->name, &m[i]));
        queue_msg_release(&m[i]);
    }
    return 0;
}

/* The dead letter of q whose id is msg_id, or starts or ends with it (at least 6
 * characters: the console shows the last 8, as "..0f3e9a1b"), among its 100 oldest: its
 * full id (the caller's), or NULL when none is (the id is then tried as it is);
 * GAS_EINVAL when several are. */
#define DLQ_PREFIX_MIN 6
static int dlq_resolve(struct queue *q, const char *msg_id, char **full, char **reason)
{
    *full = NULL;
    if (reason)
        *reason = NULL;
    struct queue_msg m[100];
    int n = 0, rc = queue_dead_list(q, 100, m, &n), found = 0;
    if (!strncmp(msg_id, "..", 2)) /* as the console shows it */
        msg_id += 2;
    size_t len = strlen(msg_id);
    char ends[4 * 12 + 8] = ""; /* the first matches' ends, as the console shows them */
    for (int i = 0; !rc && i < n; i++) {
        size_t il = strlen(m[i].id);
        if (!strcmp(m[i].id, msg_id) ||
            (len >= DLQ_PREFIX_MIN && (!strncmp(m[i].id, msg_id, len) ||
                                       (il >= len && !strcmp(m[i].id + il - len, msg_id))))) {
            if (found++ == 0) {
                *full = xstrdup(m[i].id);
                if (reason && m[i].reason)
                    *reason = xstrdup(m[i].reason);
            }
            size_t o = strlen(ends);
            if (found <= 4)
                snprintf(ends + o, sizeof ends - o, "%s..%s", found > 1 ? " " : "",
                         il > 8 ? m[i].id + il - 8 : m[i].id);
            else if (found == 5)
                snprintf(ends + o, sizeof ends - o, " ...");
        }
    }
    for (int i = 0; i < n; i++)
        queue_msg_release(&m[i]);
    if (!rc && found > 1) {
        free(*full);
        *full = NULL;
        if (reason) {
            free(*reason);
            *reason = NULL;
        }
        rc = gas_err_set(GAS_EINVAL,
                         "%s is the start or end of %d dead letters' ids in %s (%s): give more of "
                         "it (their ends tell them apart: ids sent close together start alike)",
                         msg_id, found, q->name, ends);
    } else if (!rc && !found && len < DLQ_PREFIX_MIN) {
        rc = gas_err_set(GAS_EINVAL,
                         "%s: a dead letter's id, or at least %d characters of its start or end "
                         "(gas dlq list shows them)",
                         msg_id, DLQ_PREFIX_MIN);
    }
    return rc;
}

/* Lists (json: into it) or redrives (msg_id: one) the dead letters of every queue, or of
 * the one named only; returns the exit code. */
/* The dead-letter queue's own name (gas_job_requests_dlq, as gas status shows it) names
 * its queue's dead letters too. */
static int is_dlq_of(const char *given, const char *queue)
{
    char *dlq = topology_dlq_name(queue);
    int same = !strcmp(given, dlq);
    free(dlq);
    return same;
}

static int dlq_each(struct cli *c, const char *only, const char *msg_id, cJSON *json, int *total)
{
    struct gas_app *app = cli_app(c->cfg, c->cmd->name);
    if (!app)
        return 1;
    int redrive = c->cmd->run == cmd_dlq_redrive, rc = 0, matched = 0;
    for (size_t i = 0; !rc && i < sizeof queues / sizeof *queues; i++) {
        const char *name = cfg_str(c->cfg, queues[i]);
        if (only && strcmp(only, name) && !is_dlq_of(only, name))
            continue;
        matched++;
        struct queue *q = NULL;
        rc = be_queue(app->be, name, &q);
        if (rc == GAS_ENOTFOUND && !only && queues[i] == CFG_SES_EVENTS_QUEUE) {
            rc = 0; /* a deployment bootstrapped before ses_events existed */
            continue;
        }
        if (!rc && redrive) {
            int moved = 0;
            char *full = NULL;
            if (msg_id)
                rc = dlq_resolve(q, msg_id, &full, NULL);
            if (!rc)
                rc = queue_redrive(q, full ? full : msg_id, &moved);
            free(full);
            *total += moved;
        } else if (!rc) {
            rc = dlq_list(q, json);
        }
        queue_close(q);
    }
    if (!rc && only && !matched)
        rc = gas_err_set(GAS_EINVAL, "no queue %s (gas status lists them)", only);
    app_close(app);
    return rc ? cli_fail(c->cmd->name, rc) : 0;
}

/* Characters (not bytes) of a UTF-8 string: for padding a column. */
static int utf8_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

/* The dead letters as a table, one line per letter: the reason column as wide as the
 * widest reason listed (up to DLQ_REASON_W: a longer one pushes its own body along), the
 * body last, its first DLQ_BODY_SHOWN bytes; a body's escape sequences stay off the tty. */
#define DLQ_REASON_W 120
static void dlq_print(cJSON *letters)
{
    int rw = (int)strlen("reason");
    const cJSON *l;
    cJSON_ArrayForEach(l, letters)
    {
        const char *r = cJSON_GetStringValue(cJSON_GetObjectItem(l, "reason"));
        int w = r ? utf8_width(r) : (int)strlen("(no reason recorded)");
        if (w > rw)
            rw = w < DLQ_REASON_W ? w : DLQ_REASON_W;
    }
    printf("%-24s %-36s %3s  %-19s  %-*s  %s\n", "queue", "message", "rcv", "sent (UTC)", rw,
           "reason", "body");
    cJSON_ArrayForEach(l, letters)
    {
        char t[32], *reason = NULL, *body;
        const char *r = cJSON_GetStringValue(cJSON_GetObjectItem(l, "reason"));
        reason = one_line(xstrdup(r ? r : "(no reason recorded)"));
        body = one_line(xstrdup(cJSON_GetStringValue(cJSON_GetObjectItem(l, "body"))));
        int pad = rw - utf8_width(reason);
        printf(
            "%-24s %-36s %3d  %s  %s%*s  body: %.*s%s\n",
            cJSON_GetStringValue(cJSON_GetObjectItem(l, "queue")),
            cJSON_GetStringValue(cJSON_GetObjectItem(l, "message_id")),
            (int)cJSON_GetNumberValue(cJSON_GetObjectItem(l, "receive_count")),
            cli_time((int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(l, "sent_at")), t, sizeof t),
            reason, pad > 0 ? pad : 0, "", (int)utf8_cut(body, DLQ_BODY_SHOWN), body,
            strlen(body) > DLQ_BODY_SHOWN ? ".." : "");
        free(reason);
        free(body);
    }
}

/* 0 if name is one of GAS's queues or their dead-letter queues (or NULL), else prints why
 * and returns 2. */
static int known_queue(const struct cli *c, const char *name)
{
    for (size_t i = 0; name && i < sizeof queues / sizeof *queues; i++)
        if (!strcmp(name, cfg_str(c->cfg, queues[i])) ||
            is_dlq_of(name, cfg_str(c->cfg, queues[i])))
            return 0;
    if (!name)
        return 0;
    fprintf(stderr, "gas %s: no queue %s; the queues are:", c->cmd->name, name);
    for (size_t i = 0; i < sizeof queues / sizeof *queues; i++)
        fprintf(stderr, " %s", cfg_str(c->cfg, queues[i]));
    fputc('\n', stderr);
    return 2;
}

int cmd_dlq_list(struct cli *c)
{
    if (known_queue(c, c->nargs ? c->args[0] : NULL))
        return 2;
    cJSON *json = cJSON_CreateArray();
    int total = 0, rc = dlq_each(c, c->nargs ? c->args[0] : NULL, NULL, json, &total);
    if (!rc && cli_flag(c, "json"))
        cli_write_json(json);
    else if (!rc)
        dlq_print(json);
    cJSON_Delete(json);
    return rc;
}

/* gas dlq redrive MESSAGE, gas dlq delete [QUEUE] MESSAGE: the one dead letter, of
 * whichever queue holds it (only: of that queue), by its id or the start or end of it the
 * console and gas dlq list show; redriven, or deleted (del) */
static int dead_one(struct cli *c, const char *only, const char *msg_id, int del)
{
    struct gas_app *app = cli_app(c->cfg, c->cmd->name);
    if (!app)
        return 1;
    int rc = 0, found = 0, moved = 0;
    struct queue *at = NULL;
    char *full = NULL, *why = NULL;
    for (size_t i = 0; !rc && i < sizeof queues / sizeof *queues; i++) {
        struct queue *q = NULL;
        char *id = NULL, *reason = NULL;
        if (only && strcmp(only, cfg_str(c->cfg, queues[i])) &&
            !is_dlq_of(only, cfg_str(c->cfg, queues[i])))
            continue;
        rc = be_queue(app->be, cfg_str(c->cfg, queues[i]), &q);
        if (rc == GAS_ENOTFOUND && queues[i] == CFG_SES_EVENTS_QUEUE) {
            rc = 0;
            continue;
        }
        if (!rc)
            rc = dlq_resolve(q, msg_id, &id, &reason);
        if (!rc && id && found++ == 0) {
            at = q, full = id, why = reason;
            continue;
        }
        free(id);
        free(reason);
        queue_close(q);
    }
    if (!rc && found > 1)
        rc =
            gas_err_set(GAS_EINVAL, "%s is in the ids of dead letters of %d queues: give the queue",
                        msg_id, found);
    else if (!rc && !found && only)
        rc = gas_err_set(GAS_ENOTFOUND, "%s has no dead letter %s (gas dlq list %s shows them)",
                         only, msg_id, only);
    else if (!rc && !found)
        rc = gas_err_set(GAS_ENOTFOUND,
                         "no %sdead letter %s (gas dlq list shows them; gas status "
                         "the queues)",
                         del ? "" : "queue and no ", msg_id);
    if (!rc && del) {
        rc = queue_dead_delete(at, full);
        if (!rc)
            printf("dead letter %s deleted from %s\n", full, at->name);
    } else if (!rc) {
        rc = queue_redrive(at, full, &moved);
        if (!rc)
            printf("%d message%s redriven (%s)\n", moved, moved == 1 ? "" : "s", full);
        fflush(stdout);
        if (!rc && moved && msg_reason_is_body(why)) /* as gas retry notes a bad input */
            fprintf(stderr,
                    "gas dlq redrive: note: it was dead-lettered for its body (%.200s): "
                    "unchanged, it is dead-lettered again\n",
                    why);
    }
    free(full);
    free(why);
    if (at)
        queue_close(at);
    app_close(app);
    return rc ? cli_fail(c->cmd->name, rc) : 0;
}

int cmd_dlq_redrive(struct cli *c)
{
    int is_queue = 0;
    for (size_t i = 0; c->nargs && i < sizeof queues / sizeof *queues; i++)
        is_queue |= !strcmp(c->args[0], cfg_str(c->cfg, queues[i]));
    /* a message's id alone (hex digits and dashes, "..", as listed): from any queue */
    if (c->nargs == 1 && !is_queue && !c->args[0][strspn(c->args[0], "0123456789abcdefABCDEF-.")])
        return dead_one(c, NULL, c->args[0], 0);
    if (known_queue(c, c->nargs ? c->args[0] : NULL))
        return 2;
    int total = 0, rc = dlq_each(c, c->nargs ? c->args[0] : NULL, c->nargs > 1 ? c->args[1] : NULL,
                                 NULL, &total);
    if (!rc)
        printf("%d message%s redriven\n", total, total == 1 ? "" : "s");
    return rc;
}

/* gas dlq delete [QUEUE] MESSAGE: one dead letter gone for good */
int cmd_dlq_delete(struct cli *c)
{
    const char *only = c->nargs == 2 ? c->args[0] : NULL;
    if (known_queue(c, only))
        return 2;
    return dead_one(c, only, c->args[c->nargs - 1], 1);
}

/* gas send QUEUE BODY|-: puts a raw message on a queue (replay, tests). */
int cmd_send(struct cli *c)
{
    struct cfg *cfg = c->cfg;
    char *body = NULL;
    if (!strcmp(c->args[1], "-")) {
        struct strbuf sb;
        sb_init(&sb, (size_t)cfg_int(cfg, CFG_MAX_MESSAGE_BYTES) + 1);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
            if (memchr(buf, 0, n)) { /* a message is text: it would be cut there */
                fprintf(stderr, "gas send: the body has a NUL byte: a message is text\n");
                sb_release(&sb);
                return 2;
            }
            if (sb_add(&sb, buf, n)) {
                fprintf(stderr, "gas send: the body is over max_message_bytes\n");
                sb_release(&sb);
                return 1;
            }
        }
        body = sb_detach(&sb);
    } else {
        body = xstrdup(c->args[1]);
    }
    struct gas_app *app = cli_app(cfg, "send");
    struct queue *q = NULL;
    char *id = NULL;
    int rc = app ? be_queue(app->be, c->args[0], &q) : GAS_EIO;
    if (!rc)
        rc = queue_send(q, body, 0, &id);
    if (!rc)
        printf("%s\n", id);
    int code = rc && app ? cli_fail("send", rc) : rc ? 1 : 0;
    free(id);
    free(body);
    queue_close(q);
    app_close(app);
    return code;
}
