/* registry: each gasd's item in the workers table: id, host, pid, start time, heartbeat
 * and its interval, status, and per pipeline the messages done and failed (a job that
 * FAILED counts as failed: PIPE_FAILED), so that the console shows who is alive. */
#include "worker.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/util.h"

#include "gas/workers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t started;
static pthread_mutex_t problem_lock = PTHREAD_MUTEX_INITIALIZER;
static char problem[WORKER_PROBLEM_MAX];

void registry_problem(const char *why)
{
    pthread_mutex_lock(&problem_lock);
    snprintf(problem, sizeof problem, "%s", why ? why : "");
    pthread_mutex_unlock(&problem_lock);
}

static cJSON *item(struct worker *w, const char *status)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "worker_id", w->id);
    cJSON_AddStringToObject(j, "host", host);
    cJSON_AddNumberToObject(j, "pid", (double)getpid());
    cJSON_AddNumberToObject(j, "started", (double)started);
    cJSON_AddNumberToObject(j, "heartbeat", (double)gas_now_s());
    cJSON_AddNumberToObject(j, "heartbeat_interval",
                            (double)cfg_int(w->cfg, CFG_HEARTBEAT_INTERVAL));
    cJSON_AddStringToObject(j, "status", status);
    pthread_mutex_lock(&problem_lock);
    if (problem[0])
        cJSON_AddStringToObject(j, "problem", problem);
    pthread_mutex_unlock(&problem_lock);
    for (int p = 0; p < npipelines; p++) {
        char key[64];
        /* for people: a message whose job FAILED is a failure, not a done */
        long long jf = atomic_load(&w->jobs_failed[p]);
        snprintf(key, sizeof key, "done_%s", pipelines[p].name);
        cJSON_AddNumberToObject(j, key, (double)(atomic_load(&w->done[p]) - jf));
        snprintf(key, sizeof key, "failed_%s", pipelines[p].name);
        cJSON_AddNumberToObject(j, key, (double)(atomic_load(&w->failed[p]) + jf));
        snprintf(key, sizeof key, "threads_%s", pipelines[p].name);
        cJSON_AddNumberToObject(j, key, (double)cfg_int(w->cfg, pipelines[p].threads_key));
    }
    return j;
}

int registry_start(struct worker *w)
{
    started = gas_now_s();
    cJSON *j = item(w, "running");
    int rc = tbl_put(w->app->workers, j, 1);
    cJSON_Delete(j);
    metrics_heartbeat(!rc);
    return rc ? gas_err_wrap(rc, "register worker %s", w->id) : 0;
}

void registry_beat(struct worker *w, const char *status)
{
    cJSON *j = item(w, status);
    int bad = tbl_put(w->app->workers, j, 0);
    if (bad)
        log_warn("gasd", "heartbeat failed: %s", gas_errmsg());
    metrics_heartbeat(!bad);
    cJSON_Delete(j);
}

/* ------------------------------------------------------------------ lost workers */

/* The workers that are lost (no heartbeat for WORKER_LOST_BEATS of their intervals, not
 * stopped), as last read by registry_refresh_lost; the annotate threads ask it. */
#define LOST_MAX 64
static pthread_mutex_t lost_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char id[96];
    double age;
} lost[LOST_MAX];
static int nlost;

int registry_refresh_lost(struct worker *w)
{
    struct worker_rec *v = NULL;
    int n = 0, k = 0, fresh = 0;
    if (workers_list(w->app, gas_now(), 0, &v, &n)) {
        log_warn("gasd", "cannot read the workers table: %s", gas_errmsg());
        return 0; /* the last known set stays */
    }
    pthread_mutex_lock(&lost_lock);
    static char was[LOST_MAX][96]; /* under lost_lock */
    int nwas = nlost;
    for (int j = 0; j < nwas; j++)
        memcpy(was[j], lost[j].id, sizeof was[j]);
    for (int i = 0; i < n && k < LOST_MAX; i++) {
        if (v[i].state != WORKER_LOST || !strcmp(v[i].id, w->id))
            continue;
        int known = 0;
        for (int j = 0; j < nwas && !known; j++)
            known = !strcmp(was[j], v[i].id);
        fresh += !known;
        snprintf(lost[k].id, sizeof lost[k].id, "%s", v[i].id);
        lost[k++].age = v[i].age;
    }
    nlost = k;
    pthread_mutex_unlock(&lost_lock);
    free(v);
    return fresh;
}

int registry_is_lost(const char *worker_id, double *age)
{
    int found = 0;
    pthread_mutex_lock(&lost_lock);
    for (int i = 0; worker_id && i < nlost && !found; i++)
        if (!strcmp(lost[i].id, worker_id)) {
            found = 1;
            if (age)
                *age = lost[i].age;
        }
    pthread_mutex_unlock(&lost_lock);
    return found;
}
