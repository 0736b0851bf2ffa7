/* topology: GAS's tables, queues (each with a dead-letter queue), topics, subscriptions
 * and buckets, named from config, and the idempotent set-up that creates them on a
 * backend (the local backend at start; `gas aws bootstrap` on AWS). */
#ifndef GAS_TOPOLOGY_H
#define GAS_TOPOLOGY_H

#include "gas/job.h"

#include <stdio.h>

struct cfg;
struct gas_backend;

/* Attribute names of GAS's tables (the jobs table's as the deployment names them). */
#define JOBS_KEY    job_attr(JF_job_id)
#define JOBS_INDEX  job_attr(JF_user_id) /* GSI jobs_index (user_id_index) */
#define USERS_KEY   "user_id"
#define WORKERS_KEY "worker_id"

/* The dead-letter queue of a queue: "<name>_dlq" (the caller's). */
char *topology_dlq_name(const char *queue);

/* Creates whatever is missing; report (optional) gets one line per resource. */
int topology_ensure(struct gas_backend *be, const struct cfg *cfg, FILE *report);

/* 1 (why in buf) when the archive queue itself delays every message longer than
 * archive_grace (a deployment's queue keeps its own DelaySeconds): results are archived
 * later than the config says. 0 otherwise, or when it cannot be read. */
int topology_archive_delay(struct gas_backend *be, const struct cfg *cfg, char *buf, size_t n);
/* The same as a "warning: ..." line in report. */
void topology_check_archive_delay(struct gas_backend *be, const struct cfg *cfg, FILE *report);

#endif
