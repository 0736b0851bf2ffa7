/* gasd: the GAS worker. Runs the pipelines of worker/pipelines.c off their queues (threads
 * per pipeline from config), records itself in the workers table with a heartbeat, and
 * stops cleanly on SIGTERM, SIGINT or SIGHUP (threading design in worker/worker.h). Runs in the
 * foreground (for systemd); --once handles what is visible and due now and exits. */
#include "worker.h"

#include "gas/err.h"
#include "gas/workers.h"
#include "gas/log.h"
#include "gas/topology.h"
#include "gas/util.h"
#include "gas/annot.h"
#include "gas/version.h"

#include <curl/curl.h>
#include <htslib/hts.h>
#include <getopt.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static void usage(FILE *out)
{
    fprintf(
        out,
        "usage: gasd [--config FILE] [--once] [--setup] [--dump-config] [--metrics [HOST:]PORT]\n"
        "            [--help-config] [--version] [--bench-engine N IN]\n"
        "  --config FILE   settings (default: $GAS_CONFIG, else the first of ./gas.conf,\n"
        "                  ${XDG_CONFIG_HOME:-~/.config}/gas/gas.conf, /etc/gas/gas.conf;\n"
        "                  GAS_<KEY> overrides a key)\n"
        "  --once          handle what is due now, report what is deferred, exit\n"
        "  --setup         create GAS's tables, queues, topics and buckets, then exit\n"
        "  --dump-config   print the effective configuration and exit\n"
        "  --help-config   describe every configuration key\n"
        "  --version       print the version and exit\n"
        "  --metrics [HOST:]PORT  serve Prometheus metrics at /metrics (HOST: 127.0.0.1)\n"
        "  --bench-engine N IN    annotate IN N times in this process as the annotate\n"
        "                  pipeline's threads would, without queues or tables; print jobs/s\n"
        "Stops cleanly on SIGTERM, SIGINT or SIGHUP (exit 0).\n");
}

/* --once: nothing is due now. Every running pipeline has no message in hand, its threads
 * found the queue empty twice since their last message, and it shows no visible message.
 * Messages in flight (deferred until their grace, left for a retry, held by another
 * worker) and delayed ones are not due now: they are reported, not waited for. */
static int all_idle(struct worker *w)
{
    for (int p = 0; p < npipelines; p++) {
        if (cfg_int(w->cfg, pipelines[p].threads_key) == 0)
            continue;
        if (atomic_load(&w->busy[p]) > 0 || atomic_load(&w->idle_polls[p]) < 2)
            return 0;
        struct queue *q = NULL;
        struct queue_depths d;
        int busy =
            app_queue(w->app, pipelines[p].queue_key, &q) || queue_depths(q, &d) || d.visible > 0;
        queue_close(q);
        if (busy)
            return 0;
    }
    return 1;
}

/* --once: one line on what was done and what is left for later. */
static void once_report(struct worker *w)
{
    long long done = 0, failed = 0, in_flight = 0, delayed = 0;
    for (int p = 0; p < npipelines; p++) {
        done += atomic_load(&w->done[p]);
        failed += atomic_load(&w->failed[p]);
        if (cfg_int(w->cfg, pipelines[p].threads_key) == 0)
            continue;
        struct queue *q = NULL;
        struct queue_depths d;
        if (!app_queue(w->app, pipelines[p].queue_key, &q) && !queue_depths(q, &d)) {
            in_flight += d.in_flight;
            delayed += d.delayed;
            if (d.in_flight + d.delayed > 0)
                log_warn("gasd",
                         "--once: %s: %lld deferred or in flight, %lld delayed: not due "
                         "now, left for a later run",
                         pipelines[p].name, (long long)d.in_flight, (long long)d.delayed);
        }
        queue_close(q);
    }
    log_info("gasd",
             "--once: nothing due now: %lld messages handled, %lld failed, %lld deferred "
             "or in flight, %lld delayed",
             done, failed, in_flight, delayed);
}

static int lease_fits(const struct cfg *c)
{
    return cfg_int(c, CFG_JOB_LEASE) <=
           (cfg_int(c, CFG_QUEUE_MAX_RECEIVES) - 1) * cfg_int(c, CFG_QUEUE_VISIBILITY);
}

/* Combinations of keys that cannot work, each with the rule it breaks. */
static const struct {
    int (*holds)(const struct cfg *c);
    const char *rule;
} config_rules[] = {
    {lease_fits, "job_lease <= (queue_max_receives - 1) x queue_visibility: a crashed "
                 "worker's request must still be receivable when its lease ends"},
};

int worker_config_check(const struct cfg *cfg)
{
    for (size_t i = 0; i < sizeof config_rules / sizeof *config_rules; i++)
        if (!config_rules[i].holds(cfg))
            return gas_err_set(GAS_EINVAL,
                               "config refused: %s (job_lease %lld, queue_max_receives %lld, "
                               "queue_visibility %lld)",
                               config_rules[i].rule, (long long)cfg_int(cfg, CFG_JOB_LEASE),
                               (long long)cfg_int(cfg, CFG_QUEUE_MAX_RECEIVES),
                               (long long)cfg_int(cfg, CFG_QUEUE_VISIBILITY));
    return 0;
}

static int run(struct worker *w)
{
    int total = 0;
    for (int p = 0; p < npipelines; p++)
        total += (int)cfg_int(w->cfg, pipelines[p].threads_key);
    pthread_t *th = xcalloc((size_t)total + 1, sizeof *th);
    int n = 0;
    for (int p = 0; p < npipelines; p++)
        for (int i = 0; i < cfg_int(w->cfg, pipelines[p].threads_key); i++) {
            struct runner_arg *ra = xmalloc(sizeof *ra);
            ra->w = w;
            ra->p = p;
            if (pthread_create(&th[n], NULL, runner_main, ra) == 0)
                n++;
            else
                free(ra);
        }
    log_info("gasd", "started %d pipeline threads", n);
    reconcile_pass(w);
    double last_beat = gas_mono(), last_reconcile = gas_mono();
    int every = (int)cfg_int(w->cfg, CFG_RECONCILE_INTERVAL);
    int beat = (int)cfg_int(w->cfg, CFG_HEARTBEAT_INTERVAL), quiet = 0;
    while (!got_signal && !atomic_load(&w->stopping)) {
        gas_sleep(0.2);
        if (gas_fatal()) { /* going on could only make it worse */
            log_error("gasd", "stopping: %s", gas_fatal());
            char why[WORKER_PROBLEM_MAX];
            snprintf(why, sizeof why, "stopped: %s", gas_fatal());
            registry_problem(why);
            break;
        }
        inflight_renew_due(w);
        if (gas_mono() - last_beat >= beat) {
            registry_beat(w, "running");
            if (registry_refresh_lost(w)) /* their jobs: taken over now, not after leases */
                reconcile_lost(w);
            last_beat = gas_mono();
        }
        if (gas_mono() - last_reconcile >= every) {
            reconcile_pass(w);
            last_reconcile = gas_mono();
        }
        /* twice in a row, 0.2 s apart: a message received between the reads of one
         * check shows up as busy in the next */
        quiet = w->once && all_idle(w) ? quiet + 1 : 0;
        if (quiet >= 2) {
            once_report(w);
            break;
        }
    }
    if (got_signal)
        log_info("gasd", "%s: stopping (deadline %lld s)", strsignal((int)got_signal),
                 (long long)cfg_int(w->cfg, CFG_SHUTDOWN_DEADLINE));
    atomic_store(&w->stopping, 1);
    backend_interrupt(w->app->be);
    registry_beat(w, "stopping");
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += cfg_int(w->cfg, CFG_SHUTDOWN_DEADLINE);
    int joined = 0;
    for (int i = 0; i < n; i++) /* leases still renewed while the last jobs finish */
        for (;;) {
            struct timespec step;
            clock_gettime(CLOCK_REALTIME, &step);
            step.tv_sec += 1;
            int past = step.tv_sec > deadline.tv_sec;
            int r = pthread_timedjoin_np(th[i], NULL, past ? &deadline : &step);
            if (r == 0)
                joined++;
            if (r != ETIMEDOUT || past)
                break;
            inflight_renew_due(w);
        }
    free(th);
    if (joined < n) {
        log_warn("gasd", "%d threads still busy at the deadline: releasing their jobs", n - joined);
        inflight_release_all(w);
        registry_beat(w, "stopped");
        log_info("gasd", "stopped");
        _exit(0); /* the busy threads' work is released; nothing waits for them */
    }
    if (gas_fatal()) {
        registry_beat(w, "failed");
        return gas_err_set(GAS_EIO, "%s", gas_fatal());
    }
    if (atomic_load(&w->start_failed)) {
        registry_beat(w, "failed"); /* not a clean stop: its problem says why */
        return gas_err_set(GAS_EINVAL, "a pipeline could not start (its reason is above): "
                                       "gasd stopped");
    }
    registry_beat(w, "stopped");
    log_info("gasd", "stopped");
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"dump-config", no_argument, NULL, 'd'},
        {"setup", no_argument, NULL, 's'},
        {"once", no_argument, NULL, 'o'},
        {"help-config", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"metrics", required_argument, NULL, 'm'},
        {"bench-engine", required_argument, NULL, 'B'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL, *metrics = NULL, *bench = NULL;
    int dump = 0, setup = 0, once = 0, c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'd': dump = 1; break;
        case 's': setup = 1; break;
        case 'o': once = 1; break;
        case 'm': metrics = optarg; break;
        case 'B': bench = optarg; break;
        case 'H': cfg_help(stdout); return 0;
        case 'h': usage(stdout); return 0;
        case 'V':
            printf("gasd %s " GAS_VERSION_ENGINE_NOTE "\n", GAS_VERSION, ANNOT_ENGINE_VERSION);
            return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc - (bench != NULL)) {
        usage(stderr);
        return 2;
    }
    if (bench && optind != argc - 1) {
        fprintf(stderr, "gasd: --bench-engine N IN: the input file is missing\n");
        return 2;
    }
    struct cfg *cfg = cfg_new();
    if (cfg_load(cfg, config)) {
        fprintf(stderr, "gasd: %s\n", gas_errmsg());
        cfg_free(cfg);
        return 2;
    }
    if (metrics && cfg_set(cfg, "metrics_addr", metrics, "--metrics")) {
        fprintf(stderr, "gasd: --metrics: %s\n", gas_errmsg());
        cfg_free(cfg);
        return 2;
    }
    log_setup((enum log_level)log_level_parse(cfg_str(cfg, CFG_LOG_LEVEL)),
              cfg_bool(cfg, CFG_LOG_JSON), 2);
    /* htslib's own messages ("[E::bgzf_read_block] ...") would land in the log unformatted;
     * every failure they mean comes back as an error GAS words itself (the line, the job) */
    hts_set_log_level(HTS_LOG_OFF);
    if (bench) { /* --bench-engine: the annotation engine alone, as the annotate threads run it */
        int brc = engine_bench(cfg, bench, argv[optind]);
        cfg_free(cfg);
        log_shutdown();
        return brc;
    }
    if (dump || (!setup && worker_config_check(cfg))) {
        if (dump)
            cfg_dump(cfg, stdout);
        else
            fprintf(stderr, "gasd: %s\n", gas_errmsg());
        cfg_free(cfg);
        log_shutdown();
        return dump ? 0 : 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* its terminal gone (a shell's end): a clean stop too */
    signal(SIGPIPE, SIG_IGN);

    struct worker *w = xcalloc(1, sizeof *w);
    w->cfg = cfg;
    w->once = once;
    gas_owner_id(w->id, sizeof w->id);
    log_set_worker(w->id);
    if (!dump && !setup)
        log_info("gasd", "gasd %s, config %s, backend %s%s%s", GAS_VERSION,
                 cfg_file(cfg) ? cfg_file(cfg) : "(none: defaults and environment)",
                 cfg_str(cfg, CFG_BACKEND),
                 strcmp(cfg_str(cfg, CFG_BACKEND), "local") ? "" : ", data_dir ",
                 strcmp(cfg_str(cfg, CFG_BACKEND), "local") ? "" : cfg_str(cfg, CFG_DATA_DIR));
    const char *via = cfg_str(cfg, CFG_NOTIFY_VIA);
    if (!dump && !setup && strcmp(cfg_str(cfg, CFG_BACKEND), "local") &&
        cfg_int(cfg, CFG_NOTIFY_THREADS) > 0 &&
        (!strcmp(via, "outbox") || (!strcmp(via, "auto") && !*cfg_str(cfg, CFG_SMTP_URL))))
        log_warn("gasd",
                 "emails are only written to %s on this machine (notify_via %s%s): on AWS set "
                 "notify_via = ses (ses_sender) or smtp_url, or users hear nothing",
                 cfg_str(cfg, CFG_OUTBOX_DIR), via, strcmp(via, "auto") ? "" : ", no smtp_url");
    char *where = NULL; /* a data_dir that held no system: new and empty, or mistyped */
    struct stat sb;     /* what others could read or change: said once at start */
    const char *file = cfg_file(cfg);
    if (file && stat(file, &sb) == 0 && (sb.st_mode & 044) && cfg_file_has_secret(cfg))
        log_warn("gasd", "%s holds secrets and others can read it (mode %03o): chmod 600 %s", file,
                 (unsigned)(sb.st_mode & 0777), file);
    const char *dd = cfg_str(cfg, CFG_DATA_DIR);
    if (!strcmp(cfg_str(cfg, CFG_BACKEND), "local") && stat(dd, &sb) == 0 && (sb.st_mode & 022))
        log_warn("gasd",
                 "data_dir %s can be written by others (mode %03o): they could change the "
                 "jobs and results; chmod 700 %s",
                 dd, (unsigned)(sb.st_mode & 0777), dd);
    if (!dump && !setup && !backend_exists(cfg, &where))
        log_warn("gasd",
                 "no GAS system at %s: starting a new, empty one there (if it should have "
                 "jobs, data_dir is wrong: gas config shows where it comes from)",
                 where ? where : cfg_str(cfg, CFG_DATA_DIR));
    free(where);
    int rc = app_open(cfg, &w->app);
    /* a throttled or unreachable service at start (many instances starting at once, each
     * describing every table and queue): tried again for a minute before giving up */
    int remote = strcmp(cfg_str(cfg, CFG_BACKEND), "local") != 0; /* a local error stays */
    for (double wait = 2, spent = 0;
         remote && rc && gas_err_retryable(rc) && !gas_fatal() && spent < 60 && !got_signal;
         spent += wait, wait = wait * 2 > 16 ? 16 : wait * 2) {
        log_warn("gasd", "starting: %s: trying again in %.0f s", gas_errmsg(), wait);
        gas_sleep(wait);
        rc = app_open(cfg, &w->app);
    }
    if (!rc && setup)
        rc = topology_ensure(w->app->be, cfg, stdout);
    int registered = 0;
    if (!rc && !setup)
        registered = (rc = registry_start(w)) == 0;
    if (!rc && !setup)
        scratch_clean(w);
    char late[512];
    if (!rc && !setup && cfg_int(cfg, CFG_ARCHIVE_THREADS) > 0 &&
        topology_archive_delay(w->app->be, cfg, late, sizeof late))
        log_warn("gasd", "%s", late);
    if (!rc && !setup)
        rc = metrics_start(w, cfg_str(cfg, CFG_METRICS_ADDR));
    if (!rc && !setup)
        rc = scaling_start(w);
    if (!rc && !setup)
        rc = run(w);
    else if (rc && registered) { /* registered, then failed to start: not a lost worker */
        char why[WORKER_PROBLEM_MAX];
        snprintf(why, sizeof why, "could not start: %s", gas_errmsg());
        registry_problem(why);
        registry_beat(w, "failed");
    }
    scaling_stop();
    metrics_stop();
    if (rc)
        log_error("gasd", "%s", gas_errmsg());
    if (rc && gas_fatal() && !strstr(gas_errmsg(), gas_fatal()))
        log_error("gasd", "%s", gas_fatal());
    app_close(w->app);
    free(w);
    cfg_free(cfg);
    curl_global_cleanup();
    log_set_worker(NULL);
    log_shutdown();
    return rc ? 1 : 0;
}
