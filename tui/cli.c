/* cli: the command table's parser and help (see cli.h), and helpers shared by the gas
 * commands. */
#include "cli.h"
#include "commands.h"

#include "gas/backend.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/json.h"
#include "gas/log.h"
#include "gas/util.h"
#include "gas/annot.h"
#include "gas/version.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ the table */

const char *cli_opt(const struct cli *c, const char *name)
{
    for (int i = 0; i < CLI_MAX_OPTS && c->cmd->opts[i].name; i++)
        if (!strcmp(c->cmd->opts[i].name, name))
            return c->val[i];
    return NULL;
}

int cli_flag(const struct cli *c, const char *name)
{
    return cli_opt(c, name) != NULL;
}

static void print_usage_line(FILE *out, const struct cli_cmd *cmd)
{
    fprintf(out, "gas %s", cmd->name);
    if (cmd->args && *cmd->args)
        fprintf(out, " %s", cmd->args);
    for (int i = 0; i < CLI_MAX_OPTS && cmd->opts[i].name; i++) {
        const struct cli_opt *o = &cmd->opts[i];
        fprintf(out, " %s--%s%s%s%s", o->required ? "" : "[", o->name, o->arg ? " " : "",
                o->arg ? o->arg : "", o->required ? "" : "]");
    }
    fputc('\n', out);
}

static void print_cmd_help(FILE *out, const struct cli_cmd *cmd)
{
    fputs("usage: ", out);
    print_usage_line(out, cmd);
    fprintf(out, "%s\n", cmd->summary);
    if (cmd->opts[0].name)
        fputc('\n', out);
    for (int i = 0; i < CLI_MAX_OPTS && cmd->opts[i].name; i++) {
        const struct cli_opt *o = &cmd->opts[i];
        char left[64];
        snprintf(left, sizeof left, "%c%c%s--%s%s%s", o->short_name ? '-' : ' ',
                 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
                 o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(out, "  %-24s %s\n", left, o->help);
    }
    fprintf(out, "\nglobal options: --config FILE, --help, --version (gas --help lists the "
                 "commands)\n");
}

static void print_main_help(FILE *out, const struct cli_cmd *t, int n)
{
    fprintf(out, "usage: gas [--config FILE] [--json] COMMAND [ARGS] [--help]\n"
                 "       gas --version\n\ncommands:\n");
    for (int i = 0; i < n; i++)
        fprintf(out, "  %-16s %s\n", t[i].name, t[i].summary);
    fprintf(out, "\nThe config file is --config FILE, else $GAS_CONFIG, else the first of "
                 "./gas.conf,\n${XDG_CONFIG_HOME:-~/.config}/gas/gas.conf, /etc/gas/gas.conf; "
                 "GAS_<KEY> overrides a key.\nJOB is a job id or a unique prefix of it (at least 6 "
                 "characters).\nExit codes: 0 done, 1 failed, 2 usage or configuration error.\n");
}

/* Entries whose first word is group (their count). */
static int group_size(const struct cli_cmd *t, int n, const char *group, size_t len)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += !strncmp(t[i].name, group, len) && (t[i].name[len] == ' ' || !t[i].name[len]);
    return k;
}

/* A group's usage lines; with help (gas dlq --help), also what each subcommand does. */
static void print_group(FILE *out, const struct cli_cmd *t, int n, const char *group, int help)
{
    size_t len = strlen(group);
    int first = 1;
    for (int i = 0; i < n; i++)
        if (!strncmp(t[i].name, group, len) && (t[i].name[len] == ' ' || !t[i].name[len])) {
            fputs(first ? "usage: " : "       ", out);
            print_usage_line(out, &t[i]);
            first = 0;
        }
    if (!help)
        return;
    fputc('\n', out);
    for (int i = 0; i < n; i++)
        if (!strncmp(t[i].name, group, len) && t[i].name[len] == ' ')
            fprintf(out, "  %-12s %s\n", t[i].name + len + 1, t[i].summary);
    fprintf(out, "\ngas %s SUBCOMMAND --help shows its options.\n", group);
    fprintf(out, "global options: --config FILE, --help, --version (gas --help lists the "
                 "commands)\n");
}

/* The entry named by words (one or two); *used gets how many words it took. */
static const struct cli_cmd *find_cmd(const struct cli_cmd *t, int n, char **w, int nw, int *used)
{
    if (nw >= 2)
        for (int i = 0; i < n; i++) {
            size_t l = strlen(w[0]);
            if (!strncmp(t[i].name, w[0], l) && t[i].name[l] == ' ' &&
                !strcmp(t[i].name + l + 1, w[1])) {
                *used = 2;
                return &t[i];
            }
        }
    for (int i = 0; nw >= 1 && i < n; i++)
        if (!strcmp(t[i].name, w[0])) {
            *used = 1;
            return &t[i];
        }
    return NULL;
}

/* -------------------------------------------------------------------------- parsing */

struct parse {
    const char *config;
    int help, version, json_before, dump_config;
    char err[256];                /* the first usage error */
    char canon[CLI_MAX_OPTS][40]; /* each option as the console's own parser reads it */
};

static void usage_error(struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void usage_error(struct parse *p, const char *fmt, ...)
{
    if (p->err[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, sizeof p->err, fmt, ap);
    va_end(ap);
}

/* A global option at argv[*i]: 1 if it was one (consumed), 0 if not. */
static int global_opt(struct parse *p, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--config")) {
        if (*i + 1 >= argc)
            usage_error(p, "%s needs a FILE", a);
        else
            p->config = argv[++*i];
    } else if (!strncmp(a, "--config=", 9)) {
        p->config = a + 9;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
        p->help = 1;
    } else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
        p->version = 1;
    } else {
        return 0;
    }
    return 1;
}

static const struct cli_opt *find_opt(const struct cli_cmd *cmd, const char *name, size_t len,
                                      char short_name, int *idx)
{
    for (int k = 0; k < CLI_MAX_OPTS && cmd->opts[k].name; k++) {
        const struct cli_opt *o = &cmd->opts[k];
        if ((name && strlen(o->name) == len && !strncmp(o->name, name, len)) ||
            (!name && short_name && o->short_name == short_name)) {
            *idx = k;
            return o;
        }
    }
    return NULL;
}

/* One command option at argv[*i] ("--name", "--name=V", "-x", "-xV"); passes it on in
 * c->argv as "-x VALUE" or "--name VALUE". */
static void cmd_opt(struct parse *p, struct cli *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *val = NULL;
    const struct cli_opt *o;
    int k = -1;
    if (a[1] == '-') {
        const char *eq = strchr(a, '=');
        o = find_opt(c->cmd, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2), 0, &k);
        if (o && eq && !o->arg) {
            usage_error(p, "%s takes no value", a);
            return;
        }
        val = eq ? eq + 1 : NULL;
    } else {
        o = find_opt(c->cmd, NULL, 0, a[1], &k);
        val = o && o->arg && a[2] ? a + 2 : NULL;
        if (o && !o->arg && a[2])
            o = NULL;
    }
    if (!o) {
        usage_error(p, "unknown option %s", a);
        return;
    }
    if (o->arg && !val) {
        if (*i + 1 >= argc) {
            usage_error(p, "%s needs a value", a);
            return;
        }
        val = argv[++*i];
    }
    c->val[k] = o->arg ? val : "";
    if (o->short_name)
        snprintf(p->canon[k], sizeof p->canon[k], "-%c", o->short_name);
    else
        snprintf(p->canon[k], sizeof p->canon[k], "--%s", o->name);
    c->argv[c->argc++] = p->canon[k];
    if (o->arg)
        c->argv[c->argc++] = (char *)val;
}

/* The words after the command: options and arguments. */
static void parse_rest(struct parse *p, struct cli *c, int argc, char **argv, int i)
{
    int only_args = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (only_args || a[0] != '-' || !a[1]) {
            c->args[c->nargs++] = argv[i];
            c->argv[c->argc++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = 1;
            continue;
        }
        if (global_opt(p, argc, argv, &i))
            continue;
        cmd_opt(p, c, argc, argv, &i);
    }
    if (p->json_before) {
        int k = -1;
        if (!find_opt(c->cmd, "json", 4, 0, &k))
            usage_error(p, "unknown option %s", "--json");
        else
            c->val[k] = "";
        c->argv[c->argc++] = "--json";
    }
}

static int check_args(struct parse *p, struct cli *c)
{
    const struct cli_cmd *cmd = c->cmd;
    if (!p->err[0] && c->nargs < cmd->min_args)
        usage_error(p, "missing %s", cmd->args && *cmd->args ? cmd->args : "arguments");
    if (!p->err[0] && c->nargs > cmd->max_args)
        usage_error(p, "unexpected argument '%s'", c->args[cmd->max_args]);
    for (int k = 0; !p->err[0] && k < CLI_MAX_OPTS && cmd->opts[k].name; k++)
        if (cmd->opts[k].required && !c->val[k])
            usage_error(p, "--%s is required", cmd->opts[k].name);
    if (!p->err[0])
        return 0;
    fprintf(stderr, "gas %s: %s\nusage: ", cmd->name, p->err);
    print_usage_line(stderr, cmd);
    return 2;
}

/* Says that no system is where the config points, and where it looked; 1 if so. */
static int no_system(const struct cli *c)
{
    char *where = NULL;
    if (backend_exists(c->cfg, &where)) {
        free(where);
        return 0;
    }
    const char *file = cfg_file(c->cfg);
    fprintf(stderr, "gas %s: no GAS system at %s (no %s/gas.db)\n", c->cmd->name, where, where);
    if (file)
        fprintf(stderr, "  config file: %s (data_dir = %s)\n", file, cfg_str(c->cfg, CFG_DATA_DIR));
    else
        fprintf(stderr, "  config file: none found (looked for %s)\n", cfg_looked(c->cfg));
    fprintf(stderr, "  --config FILE or GAS_CONFIG=FILE names the system's config; "
                    "gas setup creates a new system here\n");
    free(where);
    return 1;
}

/* Loads the configuration and runs the parsed command. */
static int run(struct parse *p, struct cli *c)
{
    c->cfg = cfg_new();
    if (cfg_load(c->cfg, p->config) < 0) {
        fprintf(stderr, "gas: %s\n", gas_errmsg());
        cfg_free(c->cfg);
        return 2;
    }
    log_setup((enum log_level)log_level_parse(cfg_str(c->cfg, CFG_LOG_LEVEL)),
              cfg_bool(c->cfg, CFG_LOG_JSON), 2);
    /* --list-bindings prints a table compiled into gas: it needs no system */
    int needs = c->cmd->system == CLI_EXISTING && !cli_flag(c, "list-bindings");
    /* a submit can start a system only when its users are elsewhere (an accounts
     * database): with the users table, a new system has no user, and a submit run in the
     * wrong directory would leave an empty one there */
    if (c->cmd->run == cmd_submit && !strcmp(cfg_str(c->cfg, CFG_USER_SOURCE), "table"))
        needs = 1;
    int rc = needs && no_system(c) ? 1 : c->cmd->run(c);
    cfg_free(c->cfg);
    log_shutdown();
    return rc;
}

/* The command at argv[i] (and maybe argv[i + 1]); 0, or the exit code when there is none. */
static int pick_cmd(struct parse *p, const struct cli_cmd *t, int n, int argc, char **argv, int i,
                    struct cli *c, int *used)
{
    int nw = i + 1 < argc && argv[i + 1][0] != '-' ? 2 : 1;
    c->cmd = find_cmd(t, n, argv + i, nw, used);
    if (c->cmd)
        return 0;
    if (group_size(t, n, argv[i], strlen(argv[i])) > 0) {
        for (int k = i + 1; k < argc; k++)
            p->help |= !strcmp(argv[k], "--help") || !strcmp(argv[k], "-h");
        if (p->help) {
            print_group(stdout, t, n, argv[i], 1);
            return -1;
        }
        if (nw == 2)
            fprintf(stderr, "gas %s: unknown subcommand '%s'\n", argv[i], argv[i + 1]);
        else
            fprintf(stderr, "gas %s: a subcommand is needed\n", argv[i]);
        print_group(stderr, t, n, argv[i], 0);
        return 2;
    }
    fprintf(stderr, "gas: unknown command '%s' (gas --help lists them)\n", argv[i]);
    return 2;
}

int cli_main(const struct cli_cmd *t, int n, int argc, char **argv)
{
    struct parse p;
    memset(&p, 0, sizeof p);
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--json"))
            p.json_before = 1;
        else if (!strcmp(argv[i], "--dump-config"))
            p.dump_config = 1;
        else if (!global_opt(&p, argc, argv, &i))
            usage_error(&p, "unknown option %s", argv[i]);
    }
    if (p.err[0]) {
        fprintf(stderr,
                "gas: %s\nusage: gas [--config FILE] [--json] COMMAND [ARGS] (gas "
                "--help lists the commands)\n",
                p.err);
        return 2;
    }
    if (p.version) {
        printf("gas %s " GAS_VERSION_ENGINE_NOTE "\n", GAS_VERSION, ANNOT_ENGINE_VERSION);
        return 0;
    }
    char *dump[] = {"config"};
    if (i < argc && !strcmp(argv[i], "help")) { /* gas help CMD: gas CMD --help */
        p.help = 1;
        i++;
    }
    if (i >= argc && p.dump_config) {
        argv = dump;
        argc = 1;
        i = 0;
    }
    if (i >= argc) {
        print_main_help(p.help ? stdout : stderr, t, n);
        return p.help ? 0 : 2;
    }
    struct cli c;
    memset(&c, 0, sizeof c);
    int used = 0, rc = pick_cmd(&p, t, n, argc, argv, i, &c, &used);
    if (rc)
        return rc < 0 ? 0 : rc;
    c.args = xcalloc((size_t)argc + 1, sizeof *c.args);
    c.argv = xcalloc(2 * (size_t)argc + 2, sizeof *c.argv);
    c.argv[c.argc++] = argv[i + used - 1];
    parse_rest(&p, &c, argc, argv, i + used);
    if (p.version) {
        printf("gas %s " GAS_VERSION_ENGINE_NOTE "\n", GAS_VERSION, ANNOT_ENGINE_VERSION);
        rc = 0;
    } else if (p.help) {
        print_cmd_help(stdout, c.cmd);
        rc = 0;
    } else if ((rc = check_args(&p, &c)) == 0) {
        rc = run(&p, &c);
    }
    free(c.args);
    free(c.argv);
    return rc;
}

/* ------------------------------------------------------------------------- helpers */

struct gas_app *cli_app(const struct cfg *cfg, const char *cmd)
{
    struct gas_app *app = NULL;
    if (app_open_lazy(cfg, &app)) {
        cli_fail(cmd, GAS_EIO);
        return NULL;
    }
    return app;
}

int cli_fail(const char *cmd, int rc)
{
    fprintf(stderr, "gas %s: %s\n", cmd, gas_errmsg());
    if (gas_fatal()) /* what to do about it */
        fprintf(stderr, "gas %s: %s\n", cmd, gas_fatal());
    return rc == GAS_EINVAL ? 2 : 1;
}

/* path as the admin would type it: ./x under the current directory, ~/x under $HOME */
static const char *short_path(const char *path, char *buf, size_t n)
{
    char cwd[PATH_MAX];
    const char *home = getenv("HOME");
    size_t l;
    if (getcwd(cwd, sizeof cwd) && (l = strlen(cwd)) > 1 && !strncmp(path, cwd, l) &&
        path[l] == '/')
        snprintf(buf, n, ".%s", path + l);
    else if (home && (l = strlen(home)) > 1 && !strncmp(path, home, l) && path[l] == '/')
        snprintf(buf, n, "~%s", path + l);
    else
        snprintf(buf, n, "%s", path);
    return buf;
}

void cli_where(const struct cfg *cfg, const char *backend, char *buf, size_t n)
{
    if (!strcmp(backend, "aws")) {
        const char *ep = cfg_str(cfg, CFG_AWS_ENDPOINT);
        snprintf(buf, n, "aws %s %s", cfg_str(cfg, CFG_AWS_REGION), *ep ? ep : "(AWS endpoints)");
        return;
    }
    char dir[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
    const char *d = cfg_str(cfg, CFG_DATA_DIR), *conf = cfg_file(cfg);
    snprintf(buf, n, "local %s %s%s", short_path(realpath(d, dir) ? dir : d, a, sizeof a),
             conf ? "config " : "(no config file)", conf ? short_path(conf, b, sizeof b) : "");
}

const char *cli_time(int64_t t, char *buf, size_t n)
{
    if (!t) {
        snprintf(buf, n, "-");
        return buf;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

int cli_note_unannotated(const char *note)
{
    /* gasd's note: "GRCh37, ...; 2 warnings in the count log (gas log): nothing was ..." */
    const char *w = note ? strstr(note, NOTE_FIRST_WARNING) : NULL;
    return !note                                                                        ? 0
           : !strncmp(note, "not annotated", 13)                                        ? 1
           : w && !strncmp(w + strlen(NOTE_FIRST_WARNING), "nothing was annotated", 21) ? 2
           : w && strstr(w, " was used (") && strstr(w, "but the records' positions")   ? 3
                                                                                        : 0;
}

const char *cli_unannotated_why(const char *build, int kind, char *buf, size_t n)
{
    if (kind == 2)
        snprintf(buf, n, "nothing annotated");
    else if (kind == 3)
        snprintf(buf, n, "build in doubt");
    else if (build && !strcmp(build, ANNOT_NOT_HUMAN))
        snprintf(buf, n, "not human");
    else
        snprintf(buf, n, "no %s sources", build && *build ? build : "build");
    return buf;
}

char *cli_clean(const char *s)
{
    char *t = xstrdup(s ? s : "");
    for (unsigned char *p = (unsigned char *)t; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            *p = '?';
    return t;
}

const char *cli_age(double s, char *buf, size_t n)
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 7200)
        snprintf(buf, n, "%.0fm", s / 60);
    else if (s < 172800)
        snprintf(buf, n, "%.0fh", s / 3600);
    else
        snprintf(buf, n, "%.0fd", s / 86400);
    return buf;
}

/* JSON for people and programs: indented by two spaces, "key": value (cJSON indents by
 * tabs; a tab in a string is escaped, so every raw tab is its layout) */
void cli_write_json(const cJSON *j)
{
    char *t = cJSON_Print(j);
    if (!t)
        return;
    for (const char *p = t; *p; p++) {
        if (*p != '\t')
            putchar(*p);
        else if (p > t && p[-1] == ':')
            putchar(' ');
        else
            fputs("  ", stdout);
    }
    putchar('\n');
    free(t);
}

void cli_print_json(cJSON *j)
{
    cli_write_json(j);
    cJSON_Delete(j);
}

int cli_job_id(struct cli *c, struct gas_app *app, const char *arg, char **job_id, cJSON **item)
{
    cJSON *matches = NULL;
    int rc = app_job_find(app, arg, job_id, item, &matches);
    if (!rc)
        return 0;
    int code = cli_fail(c->cmd->name, rc);
    const cJSON *it;
    cJSON_ArrayForEach(it, matches)
    {
        char t[32];
        int64_t submit = 0;
        job_item_num(it, JF_submit_time, &submit);
        fprintf(stderr, "  %s  %-14s %-9s  %s  %s\n", json_str(it, "job_id"),
                json_str(it, "user_id") ? json_str(it, "user_id") : "?",
                json_str(it, "job_status") ? json_str(it, "job_status") : "?",
                cli_time(submit, t, sizeof t),
                json_str(it, "input_file_name") ? json_str(it, "input_file_name") : "");
    }
    cJSON_Delete(matches);
    return code;
}
