/* conformance: set-up shared by every case, and the list of cases. */
#include "conformance.h"

#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>

static struct cfg *cfg;
static struct gas_backend *be;
static char run_id[9];

struct cfg *cf_cfg(void)
{
    return cfg;
}
struct gas_backend *cf_be(void)
{
    return be;
}

struct gas_backend *cf_open(void)
{
    struct gas_backend *b = NULL;
    if (backend_open(cfg, &b)) {
        fprintf(stderr, "conformance: open backend: %s\n", gas_errmsg());
        exit(3);
    }
    return b;
}

char *cf_name(const char *base)
{
    static int n;
    return xasprintf("%s-%s-%d", base, run_id, ++n);
}

struct queue *cf_queue(int visibility_s, int max_receives)
{
    char *name = cf_name("q"), *dlq = xasprintf("%s-dlq", name);
    struct queue_spec spec = {name, dlq, visibility_s, max_receives, 0};
    struct queue *q = NULL;
    if (be_create_queue(be, &spec) || be_queue(be, name, &q))
        t_fail(__FILE__, __LINE__, "create queue %s: %s", name, gas_errmsg());
    free(name);
    free(dlq);
    return q;
}

char *cf_bucket(void)
{
    char *b = cf_name("bkt");
    if (be_create_bucket(be, b, NULL))
        t_fail(__FILE__, __LINE__, "create bucket %s: %s", b, gas_errmsg());
    return b;
}

static void set_default(const char *key, const char *value)
{
    char env[64];
    snprintf(env, sizeof env, "GAS_%s", key);
    for (char *p = env; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    if (!getenv(env) && cfg_set(cfg, key, value, "conformance")) {
        fprintf(stderr, "conformance: %s\n", gas_errmsg());
        exit(3);
    }
}

int main(int argc, char **argv)
{
    log_setup(GAS_LOG_WARN, 0, 2);
    cfg = cfg_new();
    /* short tier delays so that retrievals finish within a test */
    set_default("cold_expedited_delay", "1");
    set_default("cold_standard_delay", "2");
    set_default("cold_bulk_delay", "3");
    set_default("s3_multipart_threshold", "5242880"); /* S3's smallest part */
    set_default("s3_part_size", "5242880");
    if (cfg_load(cfg, NULL)) {
        fprintf(stderr, "conformance: %s\n", gas_errmsg());
        return 3;
    }
    if (!strcmp(cfg_str(cfg, CFG_BACKEND), "local") && !getenv("GAS_DATA_DIR"))
        cfg_set(cfg, "data_dir", t_tmpdir(), "conformance");
    char uuid[37];
    gas_uuid4(uuid);
    memcpy(run_id, uuid, 8);
    be = cf_open();
    { /* the cold store's container (an archive bucket or vault), as bootstrap makes it */
        char *thaw = cf_name("thaw");
        if (be_create_topic(be, thaw) || be_create_cold(be, thaw)) {
            fprintf(stderr, "conformance: create the cold store: %s\n", gas_errmsg());
            return 3;
        }
        free(thaw);
    }

    struct t_case *all = NULL;
    int n = 0;
    const struct {
        const struct t_case *cases;
        int n;
    } groups[] = {{cf_table_cases, cf_table_n},
                  {cf_queue_cases, cf_queue_n},
                  {cf_topic_cases, cf_topic_n},
                  {cf_objects_cases, cf_objects_n},
                  {cf_cold_cases, cf_cold_n}};
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++) {
        all = xrealloc(all, (size_t)(n + groups[g].n) * sizeof *all);
        memcpy(all + n, groups[g].cases, (size_t)groups[g].n * sizeof *all);
        n += groups[g].n;
    }
    char *suite = xasprintf("conformance-%s", be->name);
    int rc = t_main(suite, all, n, argc, argv);
    free(suite);
    free(all);
    backend_close(be);
    cfg_free(cfg);
    log_shutdown();
    return rc;
}
