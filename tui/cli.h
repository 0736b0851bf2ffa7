/* cli: the gas command line: one table of commands (tui/main.c), each with its options,
 * drives parsing, checking and help; and helpers shared by the commands.
 *
 * Parsing: global options (--config FILE, --json, --help, --version) go before or after
 * the command; a command's own options anywhere after it, as --name VALUE, --name=VALUE
 * or -n VALUE; "--" ends the options. An unknown option, a missing required one, or too
 * few or too many arguments is a usage error: the message and the usage line on stderr,
 * exit 2. `gas CMD --help` prints the command's usage and options, exit 0. */
#ifndef GAS_TUI_CLI_H
#define GAS_TUI_CLI_H

#include "gas/app.h"

#include <stdio.h>

struct cfg;
struct cli;

#define CLI_MAX_OPTS 8

struct cli_opt {
    const char *name; /* long name, without "--"; "json" is also a global option */
    char short_name;  /* or 0 */
    const char *arg;  /* placeholder of the value ("USER"); NULL for a flag */
    const char *help;
    int required;
};

/* What a command needs of the system the config points at. */
enum cli_system {
    CLI_EXISTING, /* an existing system: none there is an error (exit 1) saying where it looked */
    CLI_CREATES,  /* may create it (setup, submit, users add) */
    CLI_NONE,     /* no backend (config, annotate) or its own check (aws bootstrap) */
};

struct cli_cmd {
    const char *name; /* "jobs", or a group and a subcommand: "users add" */
    const char *args; /* positional arguments as usage shows them: "JOB", "[QUEUE [MESSAGE]]" */
    int min_args, max_args;
    const char *summary;
    int (*run)(struct cli *c);
    enum cli_system system;
    struct cli_opt opts[CLI_MAX_OPTS];
};

/* One parsed invocation. */
struct cli {
    struct cfg *cfg;
    const struct cli_cmd *cmd;
    char **args; /* positional arguments */
    int nargs;
    const char *val[CLI_MAX_OPTS]; /* per cmd->opts[] entry: its value ("" for a flag), or NULL */
    /* for commands that read their own options (console, top): the command's name, then
     * the words after it without the global options */
    char **argv;
    int argc;
};

/* The value of option name, "" for a given flag, NULL when not given. */
const char *cli_opt(const struct cli *c, const char *name);
int cli_flag(const struct cli *c, const char *name);

/* Parses argv against table (n commands) and runs the command; returns the exit code.
 * Loads the configuration (discovery in gas/config.h) and, for CLI_EXISTING commands,
 * checks that the system exists. */
int cli_main(const struct cli_cmd *table, int n, int argc, char **argv);

/* Opens the app or prints "gas CMD: why" and returns NULL. */
struct gas_app *cli_app(const struct cfg *cfg, const char *cmd);
/* Prints "gas CMD: <this thread's error>" and returns the exit code for rc (1, or 2 for
 * a usage-like error). */
int cli_fail(const char *cmd, int rc);
/* What a command points at, as the console's header and gas status say it: "local
 * ./gas-data config ~/gas.conf" (the data directory, the config file read, or "(no config
 * file)"), or "aws REGION ENDPOINT". Paths as the admin would type them (./x, ~/x). */
void cli_where(const struct cfg *cfg, const char *backend, char *buf, size_t n);
/* "2026-11-22 12:00:00" (UTC) or "-" for 0. */
const char *cli_time(int64_t t, char *buf, size_t n);
/* An age in seconds as "42s", "5m", "3h", "2d". */
const char *cli_age(double seconds, char *buf, size_t n);
/* s for one line of a terminal: control characters (escape sequences, line breaks, tabs)
 * as '?'. Text from users, files and other programs goes through it before it is printed.
 * A copy (the caller frees); "" for NULL. */
char *cli_clean(const char *s);
/* After a COMPLETED job's file name when its result was passed through unannotated (its
 * annotation_note starts "not annotated"): why, from its annotation_build: "not human" or
 * "no GRCh38 sources"; or, kind 2, "nothing annotated" (none of its records on a contig the
 * sources know); kind 3, "build in doubt" (the records' positions point to another build
 * than the one used); gas jobs and the console's jobs view show it the same way. */
const char *cli_unannotated_why(const char *build, int kind, char *buf, size_t n);
/* 1 if a job's annotation_note says its result was passed through unannotated, 2 if its
 * first warning says nothing was annotated (its records on contigs no source knows), 3 if
 * it says the records' positions point to another build, else 0. */
int cli_note_unannotated(const char *note);
/* Prints a cJSON value (array or object) and frees it. */
void cli_write_json(const cJSON *j); /* two-space indents */
void cli_print_json(cJSON *j);       /* ... and frees j */
/* Resolves a job id or a unique prefix of at least 6 characters to the full id (the
 * caller's; *item, the caller's too: the job's item as read); prints why not ("no job", or the
 * matches of an ambiguous prefix) and returns the exit code (1 not found, 2 ambiguous or too short)
 * otherwise. */
int cli_job_id(struct cli *c, struct gas_app *app, const char *arg, char **job_id, cJSON **item);

#endif
