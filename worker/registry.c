/* registry: each gasd's item in the workers table: id, host, pid, start time, heartbeat,
 * status, and messages done/failed per pipeline, so that the console shows who is alive. */
#include "worker.h"

#include "gas/err.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/util.h"

#include "gas/workers.h"

#include <pthread.h>
#include <stdio.h>
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
    cJSON_AddStringToObject(j, "status", status);
    pthread_mutex_lock(&problem_lock);
    if (problem[0])
        cJSON_AddStringToObject(j, "problem", problem);
    pthread_mutex_unlock(&problem_lock);
    for (int p = 0; p < npipelines; p++) {
        char key[64];
        snprintf(key, sizeof key, "done_%s", pipelines[p].name);
        cJSON_AddNumberToObject(j, key, (double)atomic_load(&w->done[p]));
        snprintf(key, sizeof key, "failed_%s", pipelines[p].name);
        cJSON_AddNumberToObject(j, key, (double)atomic_load(&w->failed[p]));
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
    return rc ? gas_err_wrap(rc, "register worker %s", w->id) : 0;
}

void registry_beat(struct worker *w, const char *status)
{
    cJSON *j = item(w, status);
    if (tbl_put(w->app->workers, j, 0))
        log_warn("gasd", "heartbeat failed: %s", gas_errmsg());
    cJSON_Delete(j);
}
