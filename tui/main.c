/* gas: the admin front end. Commands are registered in one table; this stage has the
 * configuration commands. */
#include "gas/backend.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/topology.h"
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
    const char *name;
    const char *summary;
    int (*run)(struct cfg *cfg, int argc, char **argv);
};

static int cmd_config(struct cfg *cfg, int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "keys")) {
        cfg_help(stdout);
        return 0;
    }
    cfg_dump(cfg, stdout);
    return 0;
}

static int cmd_setup(struct cfg *cfg, int argc, char **argv)
{
    struct gas_backend *be = NULL;
    int rc = backend_open(cfg, &be);
    if (!rc)
        rc = topology_ensure(be, cfg, stdout);
    backend_close(be);
    if (rc) {
        fprintf(stderr, "gas setup: %s\n", gas_errmsg());
        return 1;
    }
    return 0;
}

static const struct command commands[] = {
    {"console", "console [--read-only] [--no-color]: the admin console (? for keys)", cmd_console},
    {"top", "top -b [-n N] [-d S] [--json]: the console's data as text, for scripts", cmd_top},
    {"submit", "submit FILE --user USER: upload a VCF and queue its annotation", cmd_submit},
    {"jobs", "jobs [--user U] [--status S]: list jobs", cmd_jobs},
    {"show", "show JOB [--json]: every attribute and the display state", cmd_show},
    {"log", "log JOB: the job's count log", cmd_log},
    {"download", "download JOB -o FILE: the annotated result", cmd_download},
    {"retry", "retry JOB: a FAILED (or stuck PENDING) job again", cmd_retry},
    {"cancel", "cancel JOB: a PENDING job becomes FAILED", cmd_cancel},
    {"users", "users add USER [--name N] [--email E] [--premium] | users list", cmd_users},
    {"upgrade", "upgrade USER: premium, and restore the user's archived results", cmd_upgrade},
    {"downgrade", "downgrade USER: back to a free user", cmd_downgrade},
    {"status", "status [--json]: queue depths, workers, job counts", cmd_status},
    {"workers", "workers [--all] [--json] | workers prune: gasd processes, alive/stopped/lost",
     cmd_workers},
    {"dlq", "dlq list [QUEUE] | dlq redrive [QUEUE [MESSAGE]]: dead letters", cmd_dlq},
    {"send", "send QUEUE BODY: put a raw message on a queue (replay)", cmd_send},
    {"annotate", "annotate a VCF file with the configured sources (gas annotate --help)",
     cmd_annotate},
    {"config", "print the effective configuration (config keys: describe every key)", cmd_config},
    {"setup", "create GAS's tables, queues, topics and buckets on the backend", cmd_setup},
    {"aws", "aws bootstrap: create GAS's resources on AWS (idempotent; prints them)", cmd_aws},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: gas [--config FILE] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n  --dump-config   same as 'gas config'\n");
}

int main(int argc, char **argv)
{
    const char *config = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--dump-config")) {
            argv[i] = "config";
            break;
        } else {
            fprintf(stderr, "gas: unknown option %s\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 2;
    }
    struct cfg *cfg = cfg_new();
    if (cfg_load(cfg, config) < 0) {
        fprintf(stderr, "gas: %s\n", gas_errmsg());
        cfg_free(cfg);
        return 2;
    }
    log_setup((enum log_level)log_level_parse(cfg_str(cfg, CFG_LOG_LEVEL)),
              cfg_bool(cfg, CFG_LOG_JSON), 2);
    int rc = 2;
    const struct command *cmd = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++)
        if (!strcmp(commands[k].name, argv[i]))
            cmd = &commands[k];
    if (cmd)
        rc = cmd->run(cfg, argc - i, argv + i);
    else
        fprintf(stderr, "gas: unknown command '%s' (see gas --help)\n", argv[i]);
    cfg_free(cfg);
    log_shutdown();
    return rc;
}
