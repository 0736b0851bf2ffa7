/* gas status, gas dlq list|redrive. */
#include "cli.h"
#include "commands.h"
#include "snapshot.h"

#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/topology.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_status(struct cfg *cfg, int argc, char **argv)
{
    int json = argc > 1 && !strcmp(argv[1], "--json");
    struct gas_app *app = cli_app(cfg, "status");
    if (!app)
        return 1;
    struct snapshot *s = xcalloc(1, sizeof *s);
    int rc = snapshot_collect(app, s, 1);
    if (json) {
        cJSON *j = snapshot_json(s);
        char *t = cJSON_Print(j);
        printf("%s\n", t);
        free(t);
        cJSON_Delete(j);
    } else {
        snapshot_print(s, stdout);
    }
    free(s);
    app_close(app);
    return rc ? 1 : 0;
}

static const enum cfg_key queues[] = {CFG_REQUESTS_QUEUE, CFG_NOTIFY_QUEUE, CFG_ARCHIVE_QUEUE,
                                      CFG_RESTORE_QUEUE, CFG_THAW_QUEUE};

static int dlq_list(struct gas_app *app, struct queue *q)
{
    struct queue_msg m[100];
    int n = 0, rc = queue_dead_list(q, 100, m, &n);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++) {
        char t[32];
        printf("%-24s %-36s %3d  %s  %s  body: %.100s\n", q->name, m[i].id, m[i].receive_count,
               cli_time((int64_t)m[i].sent_at, t, sizeof t),
               m[i].reason ? m[i].reason : "(no reason recorded)", m[i].body);
        queue_msg_release(&m[i]);
    }
    return 0;
}

int cmd_dlq(struct cfg *cfg, int argc, char **argv)
{
    const char *usage =
        "usage: gas dlq list [QUEUE]\n       gas dlq redrive [QUEUE [MESSAGE_ID]]\n";
    if (argc < 2 || (strcmp(argv[1], "list") && strcmp(argv[1], "redrive")) || argc > 4) {
        fputs(usage, stderr);
        return 2;
    }
    int redrive = !strcmp(argv[1], "redrive");
    const char *only = argc > 2 ? argv[2] : NULL, *msg_id = argc > 3 ? argv[3] : NULL;
    struct gas_app *app = cli_app(cfg, "dlq");
    if (!app)
        return 1;
    int rc = 0, matched = 0, total = 0;
    if (!redrive)
        printf("%-24s %-36s %3s  %-19s  %s\n", "queue", "message", "rcv", "sent (UTC)",
               "reason  body");
    for (size_t i = 0; !rc && i < sizeof queues / sizeof *queues; i++) {
        const char *name = cfg_str(cfg, queues[i]);
        if (only && strcmp(only, name))
            continue;
        matched++;
        struct queue *q = NULL;
        rc = be_queue(app->be, name, &q);
        if (!rc && redrive) {
            int moved = 0;
            rc = queue_redrive(q, msg_id, &moved);
            total += moved;
        } else if (!rc) {
            rc = dlq_list(app, q);
        }
        queue_close(q);
    }
    if (!rc && only && !matched)
        rc = gas_err_set(GAS_EINVAL, "no queue %s (queues: see gas status)", only);
    if (!rc && redrive)
        printf("%d message%s redriven\n", total, total == 1 ? "" : "s");
    int code = rc ? cli_fail("dlq", rc) : 0;
    app_close(app);
    return code;
}

/* gas send QUEUE BODY|-: puts a raw message on a queue (replay, tests). */
int cmd_send(struct cfg *cfg, int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gas send QUEUE BODY   (- reads the body from stdin)\n");
        return 2;
    }
    char *body = NULL;
    if (!strcmp(argv[2], "-")) {
        struct strbuf sb;
        sb_init(&sb, (size_t)cfg_int(cfg, CFG_MAX_MESSAGE_BYTES) + 1);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
            if (sb_add(&sb, buf, n)) {
                fprintf(stderr, "gas send: the body is over max_message_bytes\n");
                sb_release(&sb);
                return 1;
            }
        body = sb_detach(&sb);
    } else {
        body = xstrdup(argv[2]);
    }
    struct gas_app *app = cli_app(cfg, "send");
    struct queue *q = NULL;
    char *id = NULL;
    int rc = app ? be_queue(app->be, argv[1], &q) : GAS_EIO;
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
