/* gasd: the GAS worker. This stage opens the configured backend and sets up GAS's
 * tables, queues and topics; the pipelines that run on them are registered in
 * worker/pipelines (not built yet). */
#include "gas/backend.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/topology.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: gasd [--config FILE] [--dump-config] [--setup]\n"
                 "  --config FILE   read settings from FILE (default: $GAS_CONFIG)\n"
                 "  --dump-config   print the effective configuration and exit\n"
                 "  --setup         create GAS's tables, queues, topics and buckets, then exit\n"
                 "  --help-config   describe every configuration key\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"dump-config", no_argument, NULL, 'd'},
        {"setup", no_argument, NULL, 's'},        {"help-config", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    int dump = 0, setup = 0, c;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'd': dump = 1; break;
        case 's': setup = 1; break;
        case 'H': cfg_help(stdout); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    struct cfg *cfg = cfg_new();
    int rc = cfg_load(cfg, config);
    if (rc) {
        fprintf(stderr, "gasd: %s\n", gas_errmsg());
        cfg_free(cfg);
        return 2;
    }
    log_setup((enum log_level)log_level_parse(cfg_str(cfg, CFG_LOG_LEVEL)),
              cfg_bool(cfg, CFG_LOG_JSON), 2);
    if (dump) {
        cfg_dump(cfg, stdout);
        cfg_free(cfg);
        return 0;
    }
    struct gas_backend *be = NULL;
    rc = backend_open(cfg, &be);
    if (!rc)
        rc = topology_ensure(be, cfg, setup ? stdout : NULL);
    if (rc)
        log_error("gasd", "%s", gas_errmsg());
    else if (!setup)
        log_error("gasd", "no pipelines are built into this gasd yet; only --setup works");
    backend_close(be);
    cfg_free(cfg);
    log_shutdown();
    return rc ? 1 : setup ? 0 : 1;
}
