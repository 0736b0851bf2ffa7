/* gas workers [prune]: the gasd processes recorded in the workers table, and removing the
 * gone ones (states in include/gas/workers.h). */
#include "cli.h"
#include "commands.h"

#include "gas/util.h"
#include "gas/workers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *worker_json(const struct worker_rec *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "worker_id", w->id);
    cJSON_AddStringToObject(o, "host", w->host);
    cJSON_AddNumberToObject(o, "pid", (double)w->pid);
    cJSON_AddStringToObject(o, "state", worker_state_name(w->state));
    cJSON_AddStringToObject(o, "status", w->status);
    cJSON_AddNumberToObject(o, "started", (double)w->started);
    cJSON_AddNumberToObject(o, "heartbeat", (double)w->heartbeat);
    cJSON_AddNumberToObject(o, "heartbeat_age", w->age);
    cJSON_AddNumberToObject(o, "done", (double)w->done);
    cJSON_AddNumberToObject(o, "failed", (double)w->failed);
    if (w->problem[0])
        cJSON_AddStringToObject(o, "problem", w->problem);
    return o;
}

static void print_workers(const struct worker_rec *v, int n, int json)
{
    if (json) {
        cJSON *a = cJSON_CreateArray();
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(a, worker_json(&v[i]));
        cli_print_json(a);
        return;
    }
    /* msgs: messages handled over all its pipelines (a job is an annotate request and its
     * notice, and more), not jobs */
    printf("%-32s %-8s %10s %7s %7s  %s\n", "worker", "state", "heartbeat", "msgs", "failed",
           "started (UTC)");
    for (int i = 0; i < n; i++) {
        char t[32], age[32];
        cli_age(v[i].age, age, sizeof age);
        printf("%-32s %-8s %10s %7lld %7lld  %s\n", v[i].id, worker_state_name(v[i].state), age,
               (long long)v[i].done, (long long)v[i].failed, cli_time(v[i].started, t, sizeof t));
    }
    for (int i = 0; i < n; i++)
        if (WORKER_SHOWS_PROBLEM(&v[i]))
            printf("problem on %s: %s\n", v[i].id, v[i].problem);
}

int cmd_workers(struct cli *c)
{
    struct gas_app *app = cli_app(c->cfg, "workers");
    if (!app)
        return 1;
    struct worker_rec *v = NULL;
    int n = 0, rc = workers_list_seen(app, gas_now(), cli_flag(c, "all"), &v, &n);
    if (!rc)
        print_workers(v, n, cli_flag(c, "json"));
    free(v);
    int code = rc ? cli_fail("workers", rc) : 0;
    app_close(app);
    return code;
}

int cmd_workers_prune(struct cli *c)
{
    struct gas_app *app = cli_app(c->cfg, "workers prune");
    if (!app)
        return 1;
    int n = 0, rc = workers_prune(app, gas_now(), &n);
    if (!rc)
        printf("%d gone worker%s removed\n", n, n == 1 ? "" : "s");
    int code = rc ? cli_fail("workers prune", rc) : 0;
    app_close(app);
    return code;
}
