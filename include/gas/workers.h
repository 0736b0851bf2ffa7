/* workers: reading the workers table that each gasd keeps its item in (worker/registry.c
 * writes it): one worker's record, its state, and pruning the gone ones. Shared by
 * `gas status`, `gas workers` and the console, so that all of them say the same thing.
 *
 * States: alive (heartbeat within 3 heartbeat intervals and no clean stop recorded),
 * stopped (gasd recorded a clean stop on SIGTERM), lost (heartbeat older than 3 intervals
 * without a clean stop: killed, crashed, machine gone), failed (gasd stopped on an error,
 * e.g. a pipeline that could not start: its problem says why). A gone (stopped or lost) worker
 * whose heartbeat is older than worker_forget seconds is forgotten: left out of listings
 * unless asked for. */
#ifndef GAS_WORKERS_H
#define GAS_WORKERS_H

#include <cjson/cJSON.h>
#include <stdint.h>

struct gas_app;

enum worker_state { WORKER_ALIVE, WORKER_STOPPED, WORKER_LOST, WORKER_FAILED, WORKER_NSTATES };
/* A problem is shown for an alive worker (what is wrong now) and a failed one (why it
 * stopped); a stopped or lost worker's last problem is history. */
#define WORKER_SHOWS_PROBLEM(w)                                                                    \
    (((w)->state == WORKER_ALIVE || (w)->state == WORKER_FAILED) && (w)->problem[0])

/* The longest problem text a worker records (worker/registry.c). */
#define WORKER_PROBLEM_MAX 300

/* Heartbeats a worker may miss before it is lost. */
#define WORKER_LOST_BEATS 3

struct worker_rec {
    char id[96], host[64], status[16]; /* status as gasd wrote it: running, stopping, stopped */
    int64_t pid, started, heartbeat;   /* epoch seconds */
    int64_t done, failed;              /* messages, summed over the pipelines */
    enum worker_state state;
    int gone_here;                    /* lost: its process is not running on this host */
    double age;                       /* seconds since the heartbeat */
    char problem[WORKER_PROBLEM_MAX]; /* what gasd says is wrong with it ("": nothing) */
};

/* "alive", "stopped", "lost". */
const char *worker_state_name(enum worker_state st);
/* The state of a worker whose item says status and heartbeat, at time now. */
enum worker_state worker_state_of(const char *status, int64_t heartbeat, double now,
                                  int64_t heartbeat_interval);
/* Fills rec from a workers-table item (missing fields: "?" or 0) and classifies it. */
void worker_rec_from_json(const cJSON *item, double now, int64_t heartbeat_interval,
                          struct worker_rec *rec);
/* For what admins are shown (the console, gas top, gas workers), not for gasd's own
 * decisions: an alive worker on this host whose process is not running (killed, crashed)
 * is lost at once, not after 3 missed heartbeats (and a lost one is said to be gone:
 * gone_here); 1 if an alive rec was found lost so. */
int worker_rec_check_here(struct worker_rec *rec);
/* 1 if rec is gone and its heartbeat is older than forget_s. */
int worker_rec_forgotten(const struct worker_rec *rec, int64_t forget_s);

/* Every worker in the table, forgotten ones only when all is set, in the order alive,
 * lost, stopped, then by id. *out (count *n) is the caller's, freed with free(). The
 * interval and forget time come from app's config (heartbeat_interval, worker_forget). */
int workers_list(struct gas_app *app, double now, int all, struct worker_rec **out, int *n);
/* The same, as admins are shown it (the console, gas top, gas status, gas workers and
 * its prune): each record through worker_rec_check_here first. */
int workers_list_seen(struct gas_app *app, double now, int all, struct worker_rec **out, int *n);
/* Deletes every gone (stopped, lost or failed) worker's item; *removed (optional) counts them. */
int workers_prune(struct gas_app *app, double now, int *removed);

#endif
