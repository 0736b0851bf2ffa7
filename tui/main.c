/* gas: the admin front end. Every command, with its arguments and options, is one entry
 * of the table below; tui/cli.c parses the command line against it and prints its help. */
#include "cli.h"
#include "commands.h"

#include "gas/backend.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/topology.h"

#include <htslib/hts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmd_config(struct cli *c)
{
    for (int i = 0; i < c->nargs; i++) /* gas config KEY...: those keys' lines only */
        if (cfg_lookup(c->args[i]) < 0) {
            fprintf(stderr, "gas config: no key %s (gas config keys lists them)\n", c->args[i]);
            return 2;
        }
    if (c->nargs) {
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        cfg_dump(c->cfg, m);
        fclose(m);
        for (int i = 0; i < c->nargs; i++) {
            size_t kl = strlen(c->args[i]);
            for (char *line = text; line && *line;) {
                char *nl = strchr(line, '\n');
                if (!strncmp(line, c->args[i], kl) && line[kl] == ' ')
                    printf("%.*s\n", (int)(nl ? nl - line : (long)strlen(line)), line);
                line = nl ? nl + 1 : NULL;
            }
        }
        free(text);
        return 0;
    }
    const char *file = cfg_file(c->cfg);
    if (file)
        printf("# config file: %s\n", file);
    else
        printf("# config file: none (looked for %s)\n", cfg_looked(c->cfg));
    cfg_dump(c->cfg, stdout);
    return 0;
}

static int cmd_config_keys(struct cli *c)
{
    (void)c;
    cfg_help(stdout);
    return 0;
}

static int cmd_setup(struct cli *c)
{
    struct gas_backend *be = NULL;
    int rc = backend_open(c->cfg, &be);
    if (!rc)
        rc = topology_ensure(be, c->cfg, stdout);
    backend_close(be);
    if (rc) {
        fprintf(stderr, "gas setup: %s\n", gas_errmsg());
        return 1;
    }
    return 0;
}

/* The console's commands read their own options (tui/console.c). */
static int run_console(struct cli *c)
{
    return cmd_console(c->cfg, c->argc, c->argv);
}

static int run_top(struct cli *c)
{
    return cmd_top(c->cfg, c->argc, c->argv);
}

#define JSON_OPT                                                                                   \
    {                                                                                              \
        "json", 0, NULL, "one JSON document instead of text", 0                                    \
    }
#define NO_ARGS NULL, 0, 0
#define ONE(x)  x, 1, 1

// clang-format off
static const struct cli_cmd commands[] = {
    {"console", NO_ARGS, "the admin console (? lists the keys)", run_console, CLI_EXISTING,
     {{"read-only", 0, NULL, "refuse every action", 0},
      {"no-color", 0, NULL, "no colours (also NO_COLOR)", 0},
      {"list-bindings", 0, NULL, "print the key bindings table (key, views, action, help) and exit", 0}}},
    {"top", NO_ARGS, "the console's data as text or JSON, for scripts", run_top, CLI_EXISTING,
     {{"batch", 'b', NULL, "batch mode: print, do not draw", 0},
      {"iterations", 'n', "N", "print N times, then exit (default: once; with -d alone, until stopped)", 0},
      {"delay", 'd', "SECONDS", "between iterations (alone: every SECONDS until stopped, as top -b -d)", 0}, JSON_OPT}},
    {"submit", ONE("FILE"), "upload a VCF, create its PENDING job and queue it; prints the job id",
     cmd_submit, CLI_CREATES,
     {{"user", 'u', "USER", "the job's owner (gas users add makes one)", 1},
      {"name", 'n', "FILE_NAME", "the input's name in the job (default: FILE's)", 0},
      {"build", 'b', "BUILD", "the input's genome build (GRCh37, GRCh38, hg19, ...), whatever its header says", 0},
      {"force", 0, NULL, "submit a file that is empty or does not start as a VCF (refused otherwise): the worker fails it with its reason, as a web app's upload", 0}}},
    {"jobs", NO_ARGS, "list jobs, newest first", cmd_jobs, CLI_EXISTING,
     {{"user", 'u', "USER", "only USER's jobs", 0},
      {"status", 's', "STATUS", "only jobs in this job_status or archive_state", 0},
      {"limit", 'n', "N", "at most N jobs (the newest)", 0}, JSON_OPT}},
    {"show", ONE("JOB"), "every attribute of a job and its display state", cmd_show,
     CLI_EXISTING, {JSON_OPT}},
    {"log", ONE("JOB"), "the job's count log (or why it failed)", cmd_log, CLI_EXISTING,
     {{"json", 0, NULL, "the count log as JSON (written by gasd beside the text one)", 0}}},
    {"download", ONE("JOB"), "the annotated result", cmd_download, CLI_EXISTING,
     {{"output", 'o', "FILE", "where to write it (- for stdout)", 1}}},
    {"retry", ONE("JOB"), "FAILED (or stuck PENDING) -> PENDING, request sent again", cmd_retry,
     CLI_EXISTING, {{0}}},
    {"cancel", ONE("JOB"), "PENDING -> FAILED", cmd_cancel, CLI_EXISTING, {{0}}},
    {"users add", ONE("USER"), "add a user (free unless --premium)", cmd_users_add, CLI_CREATES,
     {{"name", 'n', "NAME", "full name", 0}, {"email", 'e', "EMAIL", "where results are announced", 0},
      {"premium", 0, NULL, "a premium user", 0}}},
    {"users list", NO_ARGS, "every user: role, name, email", cmd_users_list, CLI_EXISTING,
     {JSON_OPT}},
    {"upgrade", ONE("USER"), "premium; archived results are restored", cmd_upgrade,
     CLI_EXISTING, {{0}}},
    {"downgrade", ONE("USER"), "back to a free user", cmd_downgrade, CLI_EXISTING, {{0}}},
    {"status", NO_ARGS, "queue depths, workers, job counts", cmd_status, CLI_EXISTING, {JSON_OPT}},
    {"workers", NO_ARGS, "gasd processes: alive, stopped or lost, heartbeat age, work done",
     cmd_workers, CLI_EXISTING,
     {{"all", 'a', NULL, "also those gone longer than worker_forget", 0}, JSON_OPT}},
    {"workers prune", NO_ARGS, "remove the stopped and lost workers", cmd_workers_prune,
     CLI_EXISTING, {{0}}},
    {"dlq list", "[QUEUE]", 0, 1, "dead letters: id, receives, when, why, body", cmd_dlq_list,
     CLI_EXISTING, {JSON_OPT}},
    {"dlq redrive", "[QUEUE [MESSAGE]]", 0, 2, "move dead letters (all, or one) back to their queue",
     cmd_dlq_redrive, CLI_EXISTING, {{0}}},
    {"dlq delete", "[QUEUE] MESSAGE", 1, 2,
     "delete one dead letter for good (one no redrive can help)", cmd_dlq_delete, CLI_EXISTING,
     {{0}}},
    {"send", "QUEUE BODY", 2, 2, "put a raw message on a queue (BODY - reads stdin); prints its id",
     cmd_send, CLI_EXISTING, {{0}}},
    {"annotate", ONE("IN"), "the annotation engine alone on files (IN: VCF, BCF or -)",
     cmd_annotate, CLI_NONE,
     {{"output", 'o', "OUT", "annotated VCF (- for stdout)", 1},
      {"output-type", 'O', "TYPE", "v (VCF) or z (bgzipped VCF); default: z for an OUT ending in .gz or .bgz, else v", 0},
      {"sources", 's', "FILE", "sources file (default: annot_sources, else the sources of the input's build in annot_sources_dir)", 0},
      {"build", 'b', "BUILD", "the input's genome build (default: from its header, else default_build)", 0},
      {"log-json", 0, "FILE", "the count log as JSON too (- for stdout)", 0},
      {"log", 'l', "FILE", "count log (default: OUT.count.log; x.annot.vcf's: x.vcf.count.log, as GAS names it)", 0},
      {"no-log", 0, NULL, "write no count log", 0},
      {"threads", 't', "N", "threads: record workers and (de)compression (default: annot_threads)", 0}}},
    {"config", "[KEY...]", 0, 32,
     "print the effective configuration (or only KEYs) and where each value comes from",
     cmd_config, CLI_NONE, {{0}}},
    {"config keys", NO_ARGS, "describe every configuration key", cmd_config_keys, CLI_NONE, {{0}}},
    {"setup", NO_ARGS, "create GAS's tables, queues, topics and buckets", cmd_setup, CLI_CREATES,
     {{0}}},
    {"aws bootstrap", NO_ARGS, "create GAS's resources on AWS (idempotent; prints them)", cmd_aws,
     CLI_NONE, {{0}}},
};
// clang-format on

int main(int argc, char **argv)
{
    /* htslib's "[W::bcf_hrec_check] ..." lines (gas submit's check of a BCF, gas annotate):
     * what matters is said in GAS's own words */
    hts_set_log_level(HTS_LOG_OFF);
    return cli_main(commands, (int)(sizeof commands / sizeof *commands), argc, argv);
}
