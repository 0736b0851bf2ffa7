/* bench: gasd --bench-engine N IN, the engine-only rate that make bench-pipeline sets the
 * pipeline's against. N jobs of IN annotated in this process by annotate_threads threads,
 * each with its sources loaded once (as a runner thread has them) and annot_threads
 * engine threads, each job writing what a job writes (result, count log, its JSON) to a
 * scratch directory: the pipeline without queues, tables or objects. Prints
 * "engine: N jobs in S s: R jobs/s".
 *
 * Then the same again with the outputs made durable the way the pipeline must (a
 * COMPLETED job's result survives a power loss): each thread syncs the file system once
 * per BENCH_BATCH jobs (the pipeline's batch, 100) before it removes them, as the
 * pipeline's batch end does. The
 * engine-only run never writes its outputs to the disk at all (removed before the page
 * cache is written back); this second figure, "engine+sync", is the floor that durability
 * itself sets under the pipeline, without queues or tables. The scratch directory is in
 * the data directory's file system (work_dir), where the pipeline writes. */
#include "worker.h"

#include "gas/annot.h"
#include "gas/err.h"
#include "gas/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct bench {
    const struct cfg *cfg;
    const char *in, *dir;
    atomic_int next, failed;
    int n, durable;
};

#define BENCH_BATCH BATCH_MAX /* the pipeline's batch */

/* One job's outputs, annotated; removed now, or (durable) once synced with its batch. */
static int bench_job(struct bench *b, struct annot_catalog *cat, int i)
{
    char *out = xasprintf("%s/%d.annot.vcf", b->dir, i), *log = xasprintf("%s.count.log", out);
    char *jlog = xasprintf("%s.json", log);
    struct annot_stats *st = xmalloc(sizeof *st); /* as annotate.c's work() */
    annot_stats_init(st);
    struct annot_opts o = {.in = b->in,
                           .out = out,
                           .out_fresh = 1, /* its scratch slot */
                           .threads = (int)cfg_int(b->cfg, CFG_ANNOT_THREADS),
                           .max_line = (size_t)cfg_int(b->cfg, CFG_MAX_LINE_BYTES),
                           .max_expanded = cfg_int(b->cfg, CFG_MAX_INPUT_EXPANDED_BYTES),
                           .min_free = cfg_int(b->cfg, CFG_MIN_FREE_BYTES),
                           .catalog = cat,
                           .build_origin = "job setting",
                           .default_build = cfg_str(b->cfg, CFG_DEFAULT_BUILD)};
    int rc = annot_run(&o, st);
    if (!rc)
        rc = annot_write_count_log(st, "input.vcf", log, 1);
    if (!rc)
        rc = annot_write_count_log_json(st, "input.vcf", jlog, 1);
    if (!b->durable) {
        unlink(out);
        unlink(log);
        unlink(jlog);
    }
    free(st);
    free(out);
    free(log);
    free(jlog);
    return rc;
}

static void *bench_thread(void *arg)
{
    struct bench *b = arg;
    struct annot_catalog *cat = NULL;
    if (annot_catalog_load(cfg_str(b->cfg, CFG_ANNOT_SOURCES),
                           cfg_str(b->cfg, CFG_ANNOT_SOURCES_DIR), &cat)) {
        fprintf(stderr, "gasd: --bench-engine: %s\n", gas_errmsg());
        atomic_fetch_add(&b->failed, 1);
        return NULL;
    }
    int batch[BENCH_BATCH], nb = 0;
    for (int i; (i = atomic_fetch_add(&b->next, 1)) < b->n;) {
        if (bench_job(b, cat, i)) {
            fprintf(stderr, "gasd: --bench-engine: %s\n", gas_errmsg());
            atomic_fetch_add(&b->failed, 1);
        }
        batch[nb++] = i;
        if (b->durable && (nb == BENCH_BATCH || atomic_load(&b->next) >= b->n)) {
            if (gas_sync_fs(b->dir)) {
                fprintf(stderr, "gasd: --bench-engine: %s\n", gas_errmsg());
                atomic_fetch_add(&b->failed, 1);
            }
            for (int k = 0; k < nb; k++) {
                static const char *const ext[] = {"", ".count.log", ".count.log.json"};
                for (int e = 0; e < 3; e++) {
                    char *p = xasprintf("%s/%d.annot.vcf%s", b->dir, batch[k], ext[e]);
                    unlink(p);
                    free(p);
                }
            }
        }
        nb = nb == BENCH_BATCH || !b->durable ? 0 : nb;
    }
    annot_catalog_free(cat);
    return NULL;
}

/* One run of n jobs by nth threads; the seconds it took, or <0 when a job failed. */
static double bench_run(struct bench *b, int nth)
{
    pthread_t *th = xcalloc((size_t)nth, sizeof *th);
    atomic_store(&b->next, 0);
    double t0 = gas_mono();
    int started = 0;
    for (int i = 0; i < nth; i++)
        started += pthread_create(&th[i], NULL, bench_thread, b) == 0;
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    double s = gas_mono() - t0;
    free(th);
    return atomic_load(&b->failed) || !started ? -1 : s;
}

int engine_bench(const struct cfg *cfg, const char *n_s, const char *in)
{
    char *end = NULL;
    long n = strtol(n_s, &end, 10);
    if (!*n_s || *end || n < 1 || n > 10000000) {
        fprintf(stderr, "gasd: --bench-engine takes a number of jobs (1..10000000)\n");
        return 2;
    }
    char *base = pipe_work_base(cfg, "local"), *dir = xasprintf("%s/bench-XXXXXX", base);
    if (gas_mkdirs(base, 0700) || !mkdtemp(dir)) {
        fprintf(stderr, "gasd: --bench-engine: cannot make a scratch directory in %s\n", base);
        free(base);
        free(dir);
        return 1;
    }
    struct bench b = {.cfg = cfg, .in = in, .dir = dir, .n = (int)n};
    int nth = (int)cfg_int(cfg, CFG_ANNOTATE_THREADS);
    nth = nth < 1 ? 1 : nth;
    double s = bench_run(&b, nth), sd = -1;
    if (s >= 0) {
        printf("engine: %ld jobs in %.2f s: %.1f jobs/s (annotate_threads=%d)\n", n, s,
               (double)n / s, nth);
        fflush(stdout);
        b.durable = 1;
        sd = bench_run(&b, nth);
    }
    if (sd >= 0)
        printf("engine+sync: %ld jobs in %.2f s: %.1f jobs/s (outputs synced per batch of %d)\n", n,
               sd, (double)n / sd, BENCH_BATCH);
    rmdir(dir);
    free(dir);
    free(base);
    return sd < 0 ? 1 : 0;
}
