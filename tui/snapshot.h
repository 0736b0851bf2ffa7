/* snapshot: one consistent-enough picture of the service: every queue's depths, the
 * workers and their heartbeats, job counts by status and archive state. Collected by
 * `gas status` and (later) the console's collector thread; printed as text or JSON. */
#ifndef GAS_TUI_SNAPSHOT_H
#define GAS_TUI_SNAPSHOT_H

#include "gas/app.h"
#include "gas/workers.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>

#define SNAP_QUEUES  6 /* the five pipelines' queues, and SES events' when that is on */
#define SNAP_WORKERS 64

struct snap_queue {
    char name[96];
    struct queue_depths d;
    int ok;
};

struct snap_worker {
    char id[96], host[64], status[16];
    int64_t pid, started, heartbeat, done, failed;
    enum worker_state state;          /* alive, stopped or lost (gas/workers.h) */
    int gone_here;                    /* lost: its process is not running on this host */
    char problem[WORKER_PROBLEM_MAX]; /* what it says is wrong ("": nothing) */
};

struct snapshot {
    double taken; /* epoch seconds */
    struct snap_queue q[SNAP_QUEUES];
    int nq; /* queues in q */
    struct snap_worker w[SNAP_WORKERS];
    int nworkers;
    int64_t jobs, by_status[4], by_archive[4], users;
    char error[256];     /* the backend's error, if the snapshot is partial */
    unsigned failed;     /* SNAP_F_* bits: the parts that could not be read */
    int workers_missing; /* no workers table yet (a deployment before gas aws bootstrap) */
};
enum { SNAP_F_QUEUES = 1, SNAP_F_WORKERS = 2, SNAP_F_JOBS = 4, SNAP_F_USERS = 8 };

/* Fills snap; on a backend error fills what it can and sets snap->error. with_jobs = 0
 * leaves the job counts to the caller (the console counts the rows it reads anyway). */
int snapshot_collect(struct gas_app *app, struct snapshot *snap, int with_jobs);
/* Adds one job (its job_status and archive_state names) to the counts. */
void snapshot_count_job(struct snapshot *snap, int status, int archive);
cJSON *snapshot_json(const struct snapshot *snap);
void snapshot_print(const struct snapshot *snap, FILE *out);
/* A worker is alive when its heartbeat is recent (3 heartbeat intervals) and it has not
 * stopped: its state as workers_list classified it. Forgotten workers (gone longer than
 * worker_forget) are not in the snapshot. */
int snapshot_worker_alive(const struct snapshot *snap, const struct snap_worker *w,
                          int heartbeat_interval);

#endif
