/* app: what gasd and the gas commands work on: the backend, GAS's tables and topics, and
 * typed access to jobs and users.
 *
 * The handles are shared by every thread of the process (backend handles are
 * thread-safe). On the local backend app_open also creates any missing table, queue,
 * topic or bucket; on AWS they come from `gas aws bootstrap`. */
#ifndef GAS_APP_H
#define GAS_APP_H

#include "gas/backend.h"
#include "gas/job.h"
#include "gas/users.h"

struct cfg;

struct gas_app {
    const struct cfg *cfg; /* borrowed */
    struct gas_backend *be;
    struct tbl *jobs, *users, *workers;
    struct topic *requests, *results, *restore, *thaw;
    struct user_source *user_src; /* user_source: where users are read and their role set */
};

int app_open(const struct cfg *cfg, struct gas_app **out);
/* The same, but on AWS nothing is asked of the services until a command uses it: tables
 * and topics are checked by their first operation (a missing one is then named, as
 * app_open would have), queues when app_queue opens them. For the gas commands, each of
 * which uses a few: `gas submit` costs its own requests, not a check of every resource. */
int app_open_lazy(const struct cfg *cfg, struct gas_app **out);
void app_close(struct gas_app *app);

/* GAS_ENOTFOUND when there is no such job/user; GAS_EINVAL when the item is malformed. */
int app_job_get(struct gas_app *app, const char *job_id, struct job *job);
/* The same, with the item's reconciler deadline (TBL_WATCH_UNTIL; 0 without one). */
int app_job_read(struct gas_app *app, const char *job_id, struct job *job, int64_t *watch_until);
int app_user_get(struct gas_app *app, const char *user_id, struct user *user);
/* Every user of the user source, in its order; each's non-zero return stops the listing. */
int app_user_list(struct gas_app *app, user_each_fn each, void *arg);
/* Publishes body (JSON text) to a topic. */
int app_publish(struct gas_app *app, struct topic *t, const char *body);
/* Admin operations, shared by the gas commands and the console.
 * app_set_role: sets the role in the user source (GAS_ECONFLICT if it is that role
 *   already); an upgrade also publishes the restore request (again, when already premium).
 * app_retry: FAILED -> PENDING (attempts and worker cleared; the error keeps why it had
 *   failed: job_retry) and the request is sent; PENDING: the request is sent again; other
 *   states: GAS_ECONFLICT.
 * app_cancel: PENDING -> FAILED ("cancelled by an administrator", keeping why it had
 *   failed); else GAS_ECONFLICT. was: the job's error as the caller read it (no read
 *   again), or NULL to read it. */
int app_set_role(struct gas_app *app, const char *user_id, enum user_role to);
int app_retry(struct gas_app *app, const char *job_id);
int app_cancel(struct gas_app *app, const char *job_id, const char *was);

/* The job whose id is id, or the one job whose id starts with it (a prefix of at least
 * APP_JOB_PREFIX_MIN characters); *job_id is the caller's, and so is *item (optional):
 * the job's item as it was read (strongly consistent), so that it is not read twice. GAS_ENOTFOUND:
 * no such job; GAS_EINVAL: a prefix too short, or ambiguous - then *matches (optional, the
 * caller's) gets the items of the jobs that match, at most APP_JOB_MATCHES_MAX. A prefix is looked
 * up by scanning the jobs table. */
#define APP_JOB_PREFIX_MIN  6
#define APP_JOB_MATCHES_MAX 20
int app_job_find(struct gas_app *app, const char *id, char **job_id, cJSON **item, cJSON **matches);

/* Every item of user_id's jobs, by the jobs table's user index, or with user_id NULL of
 * every job (a scan), page by page: each(item, arg) for each; a non-zero return stops and
 * is returned; else 0, or the query's error. */
typedef int (*job_item_fn)(const cJSON *item, void *arg);
int app_jobs_each(struct gas_app *app, const char *user_id, job_item_fn each, void *arg);

/* How many of user_id's jobs have their results in cold storage (ARCHIVED), read now (what
 * an upgrade asks back); -1 when they cannot be read. Items that cannot be read are counted
 * in n->unreadable, the first named in n->first_bad (its job id and why). */
struct app_archived {
    int archived, unreadable;
    char first_bad[160];
};
int app_archived_count(struct gas_app *app, const char *user_id, struct app_archived *n);

/* The queue a pipeline reads, by config key (the caller's handle). */
int app_queue(struct gas_app *app, int cfg_key, struct queue **q);

#endif
