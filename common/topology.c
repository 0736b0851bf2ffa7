/* topology: the resources GAS runs on, created idempotently through the backend. */
#include "gas/topology.h"

#include "gas/backend.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/util.h"

#include <stdlib.h>
#include <string.h>

char *topology_dlq_name(const char *queue)
{
    return xasprintf("%s_dlq", queue);
}

int topology_archive_delay(struct gas_backend *be, const struct cfg *cfg, char *buf, size_t n)
{
    struct queue *q = NULL;
    struct queue_depths d;
    const char *name = cfg_str(cfg, CFG_ARCHIVE_QUEUE);
    int64_t grace = cfg_int(cfg, CFG_ARCHIVE_GRACE);
    int rc = be_queue(be, name, &q) || queue_depths(q, &d);
    queue_close(q);
    if (rc || d.delay_s <= grace)
        return 0;
    int local = !strcmp(cfg_str(cfg, CFG_BACKEND), "local");
    snprintf(buf, n,
             "queue %s delays every message %d s, longer than archive_grace (%lld s): a free "
             "user's result is archived %d s after it completes. If that is not meant, %s%lld",
             name, d.delay_s, (long long)grace, d.delay_s,
             local ? "run gas setup (it sets the delay to archive_grace) with archive_grace = "
                   : "set the queue's DelaySeconds to ",
             (long long)grace);
    return 1;
}

void topology_check_archive_delay(struct gas_backend *be, const struct cfg *cfg, FILE *report)
{
    char why[512];
    if (topology_archive_delay(be, cfg, why, sizeof why))
        fprintf(report, "warning: %s\n", why);
}

int topology_ensure(struct gas_backend *be, const struct cfg *cfg, FILE *report)
{
    int rc = be_create_table(be, cfg_str(cfg, CFG_JOBS_TABLE), JOBS_KEY, JOBS_INDEX);
    if (!rc)
        rc = be_create_table(be, cfg_str(cfg, CFG_USERS_TABLE), USERS_KEY, NULL);
    if (!rc)
        rc = be_create_table(be, cfg_str(cfg, CFG_WORKERS_TABLE), WORKERS_KEY, NULL);
    if (!rc && report)
        fprintf(report,
                "table  %s (job_id, index user_id)\ntable  %s (user_id)\ntable  %s (worker_id)\n",
                cfg_str(cfg, CFG_JOBS_TABLE), cfg_str(cfg, CFG_USERS_TABLE),
                cfg_str(cfg, CFG_WORKERS_TABLE));

    const enum cfg_key buckets[] = {CFG_INPUTS_BUCKET, CFG_RESULTS_BUCKET};
    for (size_t i = 0; !rc && i < sizeof buckets / sizeof *buckets; i++) {
        int kept = 0;
        rc = be_create_bucket(be, cfg_str(cfg, buckets[i]), &kept);
        if (!rc && report)
            fprintf(report, "bucket %s%s\n", cfg_str(cfg, buckets[i]),
                    kept ? " (exists: left as it is)" : "");
    }

    const enum cfg_key queues[] = {CFG_REQUESTS_QUEUE, CFG_NOTIFY_QUEUE, CFG_ARCHIVE_QUEUE,
                                   CFG_RESTORE_QUEUE,  CFG_THAW_QUEUE,   CFG_SES_EVENTS_QUEUE};
    int kept[sizeof queues / sizeof *queues] = {0};
    for (size_t i = 0; !rc && i < sizeof queues / sizeof *queues; i++) {
        char *dlq = topology_dlq_name(cfg_str(cfg, queues[i]));
        struct queue_spec spec = {cfg_str(cfg, queues[i]), dlq,
                                  (int)cfg_int(cfg, CFG_QUEUE_VISIBILITY),
                                  (int)cfg_int(cfg, CFG_QUEUE_MAX_RECEIVES), 0};
        rc = be_create_queue(be, &spec);
        kept[i] = spec.kept;
        if (!rc && report && spec.kept)
            fprintf(report,
                    "queue  %s (exists: its settings left as they are; dead letters added if it "
                    "had none: %s)\n",
                    spec.name, dlq);
        else if (!rc && report)
            fprintf(report, "queue  %s (dead letters: %s)\n", spec.name, dlq);
        free(dlq);
    }

    int grace = (int)cfg_int(cfg, CFG_ARCHIVE_GRACE);
    struct {
        enum cfg_key topic, queue;
        int delay;
    } subs[] = {
        {CFG_REQUESTS_TOPIC, CFG_REQUESTS_QUEUE, 0},
        {CFG_RESULTS_TOPIC, CFG_NOTIFY_QUEUE, 0},
        /* longer graces are re-hidden by the archive pipeline until complete_time + grace */
        {CFG_RESULTS_TOPIC, CFG_ARCHIVE_QUEUE, grace < QUEUE_MAX_DELAY ? grace : QUEUE_MAX_DELAY},
        {CFG_RESTORE_TOPIC, CFG_RESTORE_QUEUE, 0},
        {CFG_THAW_TOPIC, CFG_THAW_QUEUE, 0},
        {CFG_SES_EVENTS_TOPIC, CFG_SES_EVENTS_QUEUE, 0},
    };
    for (size_t i = 0; !rc && i < sizeof subs / sizeof *subs; i++) {
        const char *tname = cfg_str(cfg, subs[i].topic), *qname = cfg_str(cfg, subs[i].queue);
        for (size_t k = 0; k < sizeof queues / sizeof *queues; k++)
            if (queues[k] == subs[i].queue && kept[k])
                subs[i].delay = 0; /* a deployment's queue keeps its own delay */
        struct topic *t = NULL;
        rc = be_create_topic(be, tname);
        if (!rc)
            rc = be_topic(be, tname, &t);
        if (!rc)
            rc = topic_subscribe(t, qname, subs[i].delay, 0);
        topic_close(t);
        if (!rc && report)
            fprintf(report, "topic  %s -> %s%s\n", tname, qname, subs[i].delay ? " (delayed)" : "");
    }
    for (size_t k = 0; !rc && report && k < sizeof queues / sizeof *queues; k++)
        if (queues[k] == CFG_ARCHIVE_QUEUE && kept[k])
            topology_check_archive_delay(be, cfg, report);
    if (!rc)
        rc = be_create_cold(be, cfg_str(cfg, CFG_THAW_TOPIC));
    if (!rc && report && be->ops->create_cold)
        fprintf(
            report, "cold   %s (%s; completions -> topic %s)\n", cfg_str(cfg, CFG_ARCHIVE_VAULT),
            strcmp(cfg_str(cfg, CFG_COLD_MODE), "glacier") ? "S3 archive bucket" : "Glacier vault",
            cfg_str(cfg, CFG_THAW_TOPIC));
    return rc ? gas_err_wrap(rc, "set up %s backend", be->name) : 0;
}
