/* scaling: gasd's autoscaling signals on AWS. Every cloudwatch_interval seconds one thread
 * puts into CloudWatch (namespace cloudwatch_namespace, dimension QueueName = the requests
 * queue): BacklogPerInstance (visible requests / live gasd workers, the figure an EC2 Auto
 * Scaling target-tracking policy keeps near its target), RequestsVisible, and this
 * worker's JobsDonePerMinute and JobsFailedPerMinute: the jobs it ended COMPLETED and
 * FAILED (bad input, gave up) since its last datapoint, so that their Sum over a minute
 * is the jobs per minute of all workers, whatever cloudwatch_interval is (up to 60 s).
 *
 * Threads: the publisher thread owns its queue handle; it reads the pipelines' atomic
 * counters only. scaling_stop() sets the stop flag (noticed within 200 ms) and joins it. */
#include "worker.h"

#include "gas/backend.h"
#include "gas/cloudwatch.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"
#include "gas/workers.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static struct {
    struct worker *w;
    pthread_t th;
    atomic_int stop;
    int running;
} S;

static int live_workers(struct worker *w)
{
    struct worker_rec *v = NULL;
    int n = 0, alive = 0;
    if (workers_list(w->app, gas_now(), 0, &v, &n) == 0)
        for (int i = 0; i < n; i++)
            alive += v[i].state == WORKER_ALIVE;
    free(v);
    return alive > 0 ? alive : 1; /* this one is alive, whatever the table says yet */
}

/* One set of datapoints; done/failed are the jobs ended since the last one. */
static int publish(struct worker *w, struct queue *q, long long done, long long failed)
{
    struct queue_depths d;
    int rc = queue_depths(q, &d);
    if (rc)
        return rc;
    int alive = live_workers(w);
    struct cw_datum data[] = {
        {"BacklogPerInstance", (double)d.visible / alive, "Count"},
        {"RequestsVisible", (double)d.visible, "Count"},
        {"JobsDonePerMinute", (double)done, "Count"}, /* Sum over a minute: per minute */
        {"JobsFailedPerMinute", (double)failed, "Count"},
    };
    rc = cw_put_metrics(w->app->be, cfg_str(w->cfg, CFG_CLOUDWATCH_NAMESPACE), "QueueName", q->name,
                        data, (int)(sizeof data / sizeof *data));
    if (!rc)
        log_debug("scaling", "cloudwatch: backlog %lld / %d workers, %lld done, %lld failed",
                  (long long)d.visible, alive, done, failed);
    return rc;
}

static void *scaling_main(void *arg)
{
    (void)arg;
    struct worker *w = S.w;
    int p = pipeline_index("annotate");
    struct queue *q = NULL;
    if (p < 0 || app_queue(w->app, CFG_REQUESTS_QUEUE, &q)) {
        log_error("scaling", "cloudwatch metrics off: %s", gas_errmsg());
        return NULL;
    }
    double every = (double)cfg_int(w->cfg, CFG_CLOUDWATCH_INTERVAL), last = gas_mono();
    long long done0, failed0;
    metrics_jobs_ended(&done0, &failed0);
    int warned = 0;
    while (!atomic_load(&S.stop)) {
        gas_sleep(0.2);
        double now = gas_mono();
        if (now - last < every)
            continue;
        long long done, failed;
        metrics_jobs_ended(&done, &failed);
        if (publish(w, q, done - done0, failed - failed0) == 0) {
            done0 = done;
            failed0 = failed;
            last = now;
            warned = 0;
        } else {
            if (!warned++)
                log_warn("scaling", "cloudwatch: %s (will retry)", gas_errmsg());
            last = now - every + 5; /* again in 5 s, counting from the last success */
        }
    }
    queue_close(q);
    return NULL;
}

int scaling_start(struct worker *w)
{
    if (strcmp(w->app->be->name, "aws") || cfg_int(w->cfg, CFG_CLOUDWATCH_INTERVAL) == 0)
        return 0;
    S.w = w;
    if (pthread_create(&S.th, NULL, scaling_main, NULL))
        return gas_err_set(GAS_EIO, "scaling: cannot start its thread");
    S.running = 1;
    log_info("gasd", "cloudwatch: backlog per instance every %lld s in namespace %s",
             (long long)cfg_int(w->cfg, CFG_CLOUDWATCH_INTERVAL),
             cfg_str(w->cfg, CFG_CLOUDWATCH_NAMESPACE));
    return 0;
}

void scaling_stop(void)
{
    if (!S.running)
        return;
    atomic_store(&S.stop, 1);
    pthread_join(S.th, NULL);
    S.running = 0;
}
