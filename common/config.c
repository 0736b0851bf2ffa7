/* config: the key table (include/gas/config.h) and its parser, env overrides and dump. */
#include "gas/config.h"

#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

struct key_def {
    const char *name;
    enum cfg_type type;
    const char *def;
    int64_t min, max;
    const char *choices;
    const char *help;
};

static const struct key_def keys[CFG__COUNT] = {
#define CFG_DEF(id, name, type, def, min, max, choices, help)                                      \
    [CFG_##id] = {name, type, def, (int64_t)(min), (int64_t)(max), choices, help},
    GAS_CONFIG_KEYS(CFG_DEF)
#undef CFG_DEF
};

struct cfg {
    char *val[CFG__COUNT];
    int64_t num[CFG__COUNT];
    char *source[CFG__COUNT];
    char *file;   /* the config file read, or NULL */
    char *looked; /* where cfg_load looked */
};

#define MAX_VALUE_LEN 4096
#define MAX_LINE_LEN  8192

static const char *type_name(enum cfg_type t)
{
    switch (t) {
    case CFG_STR: return "string";
    case CFG_INT: return "integer";
    case CFG_BOOL: return "boolean";
    case CFG_ENUM: return "one of";
    case CFG_SECRET: return "secret";
    case CFG_PATH: return "path";
    }
    return "?";
}

/* Validates text for key k; on success stores the parsed number in *num. errbuf gets why. */
/* key_prefix: names joined by '/' (a deployment's "course/gas" or "weizou/": the '/' at the
 * end is dropped when stored), none empty, "." or "..", no '\\'. */
static int key_prefix_ok(const char *s)
{
    size_t n = strlen(s);
    while (n && s[n - 1] == '/')
        n--;
    if (!n || s[0] == '/' || n > 255)
        return 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        if (j == i || (j - i == 1 && s[i] == '.') || (j - i == 2 && s[i] == '.' && s[i + 1] == '.'))
            return 0;
        for (size_t c = i; c < j; c++)
            if (s[c] == '\\' || s[c] == 0x7f)
                return 0;
        i = j + 1;
    }
    return 1;
}

/* Keys that name a queue, topic or table (requests_queue, results_topic, jobs_table). */
static int is_resource_name(const char *key)
{
    size_t n = strlen(key);
    return (n > 6 && (!strcmp(key + n - 6, "_queue") || !strcmp(key + n - 6, "_topic") ||
                      !strcmp(key + n - 6, "_table")));
}

static int resource_name_ok(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");
    return n && !s[n] && n <= 80 && s[0] != '.' && !strstr(s, "..");
}

static int parse_value(int k, const char *text, int64_t *num, char *err, size_t errn)
{
    const struct key_def *d = &keys[k];
    if (strlen(text) > MAX_VALUE_LEN) {
        snprintf(err, errn, "value for %s is longer than %d bytes", d->name, MAX_VALUE_LEN);
        return GAS_EINVAL;
    }
    switch (d->type) {
    case CFG_INT: {
        char *end;
        errno = 0;
        long long v = strtoll(text, &end, 10);
        if (!*text || *end || errno) {
            snprintf(err, errn, "%s wants an integer, got \"%.200s\"", d->name, text);
            return GAS_EINVAL;
        }
        if (v < d->min || v > d->max) {
            snprintf(err, errn, "%s = %lld is out of range [%lld, %lld]", d->name, v,
                     (long long)d->min, (long long)d->max);
            return GAS_EINVAL;
        }
        *num = v;
        return 0;
    }
    case CFG_BOOL:
        if (!strcasecmp(text, "true") || !strcasecmp(text, "yes") || !strcmp(text, "1") ||
            !strcasecmp(text, "on")) {
            *num = 1;
            return 0;
        }
        if (!strcasecmp(text, "false") || !strcasecmp(text, "no") || !strcmp(text, "0") ||
            !strcasecmp(text, "off")) {
            *num = 0;
            return 0;
        }
        snprintf(err, errn, "%s wants true or false, got \"%.200s\"", d->name, text);
        return GAS_EINVAL;
    case CFG_ENUM: {
        size_t tl = strlen(text);
        for (const char *c = d->choices; c && *c;) {
            const char *bar = strchr(c, '|');
            size_t cl = bar ? (size_t)(bar - c) : strlen(c);
            if (cl == tl && !strncmp(c, text, cl)) {
                *num = 0;
                return 0;
            }
            c = bar ? bar + 1 : c + cl;
        }
        snprintf(err, errn, "%s must be one of %s, got \"%.200s\"", d->name, d->choices, text);
        return GAS_EINVAL;
    }
    case CFG_STR:
    case CFG_PATH:
    case CFG_SECRET:
        for (const char *p = text; *p; p++)
            if ((unsigned char)*p < 0x20) {
                snprintf(err, errn, "%s has a control character", d->name);
                return GAS_EINVAL;
            }
        if (d->type == CFG_PATH &&
            (strchr(text, '$') || (text[0] == '~' && text[1] && text[1] != '/'))) {
            snprintf(err, errn,
                     "%s is \"%.200s\": variables and ~user are not expanded in paths; write "
                     "the path (~/ is your home directory)",
                     d->name, text);
            return GAS_EINVAL;
        }
        if (k == CFG_METRICS_ADDR && *text) { /* [HOST:]PORT, as gasd --metrics takes it */
            const char *colon = strrchr(text, ':'), *port = colon ? colon + 1 : text;
            char *end;
            long pn = strtol(port, &end, 10);
            if (!*port || *end || pn < 0 || pn > 65535 || !isdigit((unsigned char)*port) ||
                (colon && colon - text > 255) || strchr(text, ' ')) {
                snprintf(err, errn,
                         "metrics_addr is \"%.200s\": give [HOST:]PORT, PORT 0..65535 "
                         "(127.0.0.1:9464, :9464, [::1]:9464, 9464)",
                         text);
                return GAS_EINVAL;
            }
        }
        if (k == CFG_DATA_DIR && !*text) {
            snprintf(err, errn,
                     "data_dir is empty: give the directory of the local backend's "
                     "state (default gas-data)");
            return GAS_EINVAL;
        }
        if (is_resource_name(d->name) && !resource_name_ok(text)) {
            snprintf(err, errn,
                     "%s \"%.200s\" is not a queue, topic or table name: 1 to 80 letters, "
                     "digits, '_', '-' and '.' (as SQS, SNS and DynamoDB take them)",
                     d->name, text);
            return GAS_EINVAL;
        }
        if (k == CFG_NOTIFY_JOB_URL && *text &&
            ((strncmp(text, "https://", 8) && strncmp(text, "http://", 7)) ||
             strpbrk(text, " \"<>\\") || !strstr(text, "{job_id}"))) {
            snprintf(err, errn,
                     "%s \"%.200s\" is not a link to a job's page: http:// or https://, no "
                     "spaces, with {job_id} where the job's id goes",
                     d->name, text);
            return GAS_EINVAL;
        }
        if (k == CFG_KEY_PREFIX && !key_prefix_ok(text)) {
            snprintf(err, errn,
                     "%s \"%.200s\" is not a key prefix: one or more names joined by '/' (no "
                     "'.' or '..', no '\\', not starting with '/'; a '/' at the end is "
                     "dropped)",
                     d->name, text);
            return GAS_EINVAL;
        }
        *num = 0;
        return 0;
    }
    return GAS_EINVAL;
}

static void store(struct cfg *cfg, int k, const char *text, int64_t num, const char *source)
{
    free(cfg->val[k]);
    free(cfg->source[k]);
    cfg->val[k] = xstrdup(text);
    if (k == CFG_KEY_PREFIX) /* "weizou/" keys as "weizou" does: weizou/<user>/... */
        for (size_t n = strlen(cfg->val[k]); n > 1 && cfg->val[k][n - 1] == '/'; n--)
            cfg->val[k][n - 1] = 0;
    cfg->num[k] = num;
    cfg->source[k] = xstrdup(source);
    if (keys[k].type == CFG_SECRET)
        log_add_secret(text);
}

struct cfg *cfg_new(void)
{
    struct cfg *cfg = xcalloc(1, sizeof *cfg);
    for (int k = 0; k < CFG__COUNT; k++) {
        int64_t num = 0;
        char err[256];
        if (parse_value(k, keys[k].def, &num, err, sizeof err) < 0) {
            fprintf(stderr, "gas: bad built-in default: %s\n", err);
            abort();
        }
        store(cfg, k, keys[k].def, num, "default");
    }
    return cfg;
}

void cfg_free(struct cfg *cfg)
{
    if (!cfg)
        return;
    for (int k = 0; k < CFG__COUNT; k++) {
        free(cfg->val[k]);
        free(cfg->source[k]);
    }
    free(cfg->file);
    free(cfg->looked);
    free(cfg);
}

int cfg_lookup(const char *name)
{
    for (int k = 0; k < CFG__COUNT; k++)
        if (!strcmp(keys[k].name, name))
            return k;
    return -1;
}

/* Edit distance of a and b (insertions, deletions, substitutions), up to 64 bytes each. */
static int edits(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return 99;
    int row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            diag = up;
            row[j] = best;
        }
    }
    return row[m];
}

/* " (did you mean \"annotate_threads\"?)" for a name within 2 edits of a key, else "". */
static void did_you_mean(const char *name, char *out, size_t n)
{
    int best = 3, at = -1;
    for (int k = 0; k < CFG__COUNT; k++) {
        int d = edits(name, keys[k].name);
        if (d < best)
            best = d, at = k;
    }
    if (at >= 0)
        snprintf(out, n, " (did you mean \"%s\"?)", keys[at].name);
    else if (n)
        out[0] = 0;
}

int cfg_set(struct cfg *cfg, const char *name, const char *value, const char *source)
{
    int k = cfg_lookup(name);
    if (k < 0) {
        char hint[96];
        did_you_mean(name, hint, sizeof hint);
        return gas_err_set(GAS_EINVAL, "unknown key \"%s\"%s", name, hint);
    }
    int64_t num;
    char err[512];
    if (parse_value(k, value, &num, err, sizeof err) < 0)
        return gas_err_set(GAS_EINVAL, "%s", err);
    store(cfg, k, value, num, source);
    return 0;
}

/* Parses one line into cfg; returns 0 or GAS_EINVAL with the reason in err. *key is the
 * key the line set, or -1 for a blank or comment line. */
static int parse_line(struct cfg *cfg, char *line, const char *source, int *key, char *err,
                      size_t errn)
{
    *key = -1;
    if (!strncmp(line, "\xEF\xBB\xBF", 3)) /* a UTF-8 byte order mark (some editors write one) */
        line += 3;
    char *s = gas_trim(line);
    if (!*s || *s == '#')
        return 0;
    char *eq = strchr(s, '=');
    if (!eq) {
        snprintf(err, errn, "expected \"key = value\"");
        return GAS_EINVAL;
    }
    *eq = 0;
    char *name = gas_trim(s), *value = gas_trim(eq + 1);
    if (!*name) {
        snprintf(err, errn, "missing key before '='");
        return GAS_EINVAL;
    }
    /* "key = value  # comment": a '#' after a space or tab starts a comment (what gas
     * config prints reads back); a value with " #" in it is quoted */
    if (*value == '"') {
        char *close = strchr(value + 1, '"'), *rest = close ? gas_trim(close + 1) : NULL;
        if (!close) {
            snprintf(err, errn, "unterminated quoted value for %s", name);
            return GAS_EINVAL;
        }
        if (*rest && *rest != '#') {
            snprintf(err, errn, "text after the quoted value of %s (a comment starts with #)",
                     name);
            return GAS_EINVAL;
        }
        *close = 0;
        value++;
    } else {
        for (char *h = strchr(value, '#'); h; h = strchr(h + 1, '#'))
            if (h > value && (h[-1] == ' ' || h[-1] == '\t')) {
                *h = 0;
                value = gas_trim(value);
                break;
            }
    }
    int k = cfg_lookup(name);
    if (k < 0) {
        char hint[96];
        did_you_mean(name, hint, sizeof hint);
        snprintf(err, errn, "unknown key \"%.100s\"%s", name, hint);
        return GAS_EINVAL;
    }
    int64_t num;
    if (parse_value(k, value, &num, err, errn) < 0)
        return GAS_EINVAL;
    store(cfg, k, value, num, source);
    *key = k;
    return 0;
}

/* A directory or an unreadable file is an error (fopen accepts a directory). */
static int open_config(const char *path, FILE **out)
{
    FILE *f = gas_fopen_regular(path);
    if (!f)
        return gas_err_last();
    *out = f;
    return 0;
}

int cfg_load_file(struct cfg *cfg, const char *path)
{
    FILE *f = NULL;
    int rc = open_config(path, &f);
    if (rc)
        return rc;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, first_line[CFG__COUNT] = {0};
    char *source = NULL;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char err[512];
        if (n > MAX_LINE_LEN) {
            rc = gas_err_set(GAS_EINVAL, "%s:%d: line longer than %d bytes", path, lineno,
                             MAX_LINE_LEN);
            break;
        }
        if (memchr(line, 0, (size_t)n)) {
            rc = gas_err_set(GAS_EINVAL, "%s:%d: NUL byte in line", path, lineno);
            break;
        }
        free(source);
        source = xasprintf("%s:%d", path, lineno);
        int k;
        if (parse_line(cfg, line, source, &k, err, sizeof err) < 0) {
            rc = gas_err_set(GAS_EINVAL, "%s:%d: %s", path, lineno, err);
            break;
        }
        if (k >= 0 && first_line[k]) {
            rc = gas_err_set(GAS_EINVAL, "%s:%d: duplicate key %s (first set at %s:%d)", path,
                             lineno, keys[k].name, path, first_line[k]);
            break;
        }
        if (k >= 0)
            first_line[k] = lineno;
    }
    if (!rc && ferror(f))
        rc = gas_err_set(GAS_EIO, "%s: read error", path);
    free(source);
    free(line);
    fclose(f);
    return rc;
}

int cfg_load_env(struct cfg *cfg)
{
    for (int k = 0; k < CFG__COUNT; k++) {
        char env[128] = "GAS_";
        size_t i = 4;
        for (const char *p = keys[k].name; *p && i < sizeof env - 1; p++)
            env[i++] = (char)toupper((unsigned char)*p);
        env[i] = 0;
        const char *v = getenv(env);
        if (!v)
            continue;
        int64_t num;
        char err[512];
        if (parse_value(k, v, &num, err, sizeof err) < 0)
            return gas_err_set(GAS_EINVAL, "environment %s: %s", env, err);
        store(cfg, k, v, num, env);
    }
    return 0;
}

/* "~" and "~/..." in paths: the home directory ($HOME), as a shell would (a directory
 * literally named "~" is never what was meant; "~user" and "$VAR" are refused by
 * parse_value). */
static void expand_home(struct cfg *cfg)
{
    const char *home = getenv("HOME");
    for (int k = 0; k < CFG__COUNT; k++) {
        const char *v = cfg->val[k];
        if (keys[k].type != CFG_PATH || !v || v[0] != '~' || (v[1] && v[1] != '/') || !home ||
            !*home)
            continue;
        char *full = xasprintf("%s%s", home, v + 1), *source = xstrdup(cfg->source[k]);
        store(cfg, k, full, 0, source);
        free(full);
        free(source);
    }
}

/* Makes the relative paths that came from file (abs: its absolute name) relative to its
 * directory. */
static void resolve_paths(struct cfg *cfg, const char *file, const char *abs)
{
    size_t fl = strlen(file);
    const char *slash = strrchr(abs, '/');
    int dirlen = slash ? (int)(slash - abs) : 0;
    for (int k = 0; k < CFG__COUNT; k++) {
        const char *v = cfg->val[k], *src = cfg->source[k];
        if (keys[k].type != CFG_PATH || !*v || *v == '/' || strncmp(src, file, fl) ||
            src[fl] != ':')
            continue;
        char *full = xasprintf("%.*s/%s", dirlen, abs, v), *source = xstrdup(src);
        store(cfg, k, full, 0, source); /* frees v and src */
        free(full);
        free(source);
    }
}

/* The first default place that has a file, or NULL; *looked lists them all. */
static char *find_default(char **looked)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *user = xdg && *xdg ? xasprintf("%s/gas/gas.conf", xdg)
                 : home      ? xasprintf("%s/.config/gas/gas.conf", home)
                             : NULL;
    const char *places[] = {"./gas.conf", user, "/etc/gas/gas.conf"};
    char *found = NULL;
    *looked = xasprintf("./gas.conf%s%s, /etc/gas/gas.conf", user ? ", " : "", user ? user : "");
    for (size_t i = 0; i < sizeof places / sizeof *places && !found; i++)
        if (places[i] && access(places[i], F_OK) == 0)
            found = xstrdup(places[i]);
    free(user);
    return found;
}

int cfg_load(struct cfg *cfg, const char *path)
{
    char *found = NULL;
    free(cfg->looked);
    free(cfg->file);
    cfg->file = cfg->looked = NULL;
    int from_env = 0;
    if (!path || !*path) {
        path = getenv("GAS_CONFIG");
        from_env = path && *path;
    }
    if (path && *path)
        cfg->looked = xstrdup(path);
    else
        path = found = find_default(&cfg->looked);
    int rc = 0;
    if (path) {
        rc = cfg_load_file(cfg, path);
        if (rc == GAS_ENOTFOUND)
            gas_err_set(rc, "config file %s: No such file or directory%s", path,
                        from_env ? " (named by GAS_CONFIG)" : "");
        char *abs = rc ? NULL : realpath(path, NULL);
        expand_home(cfg);
        if (abs) {
            resolve_paths(cfg, path, abs);
            cfg->file = abs;
        }
    }
    free(found);
    if (!rc && (rc = cfg_load_env(cfg)) == 0)
        expand_home(cfg);
    return rc;
}

const char *cfg_file(const struct cfg *cfg)
{
    return cfg->file;
}

const char *cfg_looked(const struct cfg *cfg)
{
    return cfg->looked ? cfg->looked : "";
}

const char *cfg_str(const struct cfg *cfg, enum cfg_key key)
{
    return cfg->val[key];
}
int64_t cfg_int(const struct cfg *cfg, enum cfg_key key)
{
    return cfg->num[key];
}
int cfg_bool(const struct cfg *cfg, enum cfg_key key)
{
    return cfg->num[key] != 0;
}
const char *cfg_name(enum cfg_key key)
{
    return keys[key].name;
}

/* Whether a libpq connection string carries a password: "password=" in key=value form, or
 * "user:password@" in a URI (postgresql://...). */
static int dsn_has_password(const char *dsn)
{
    if (strcasestr(dsn, "password"))
        return 1;
    const char *scheme = strstr(dsn, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
    if (!at)
        return 0;
    const char *colon = strchr(scheme + 3, ':');
    return colon && colon < at;
}

int cfg_file_has_secret(const struct cfg *cfg)
{
    if (!cfg_file(cfg))
        return 0;
    for (int k = 0; k < CFG__COUNT; k++) {
        const char *src = cfg->source[k] ? cfg->source[k] : "default";
        int from_file = strncmp(src, "GAS_", 4) && strcmp(src, "default") && strstr(src, ":");
        int secret = keys[k].type == CFG_SECRET || (k == CFG_SMTP_URL && strchr(cfg->val[k], '@'));
        if (k == CFG_ACCOUNTS_DSN) /* a DSN without a password ("host=/run/postgresql ...",
                                      peer or certificate auth) holds no secret */
            secret = dsn_has_password(cfg->val[k]);
        if (*cfg->val[k] && from_file && secret)
            return 1;
    }
    return 0;
}

void cfg_dump(const struct cfg *cfg, FILE *out)
{
    for (int k = 0; k < CFG__COUNT; k++) {
        const char *v = cfg->val[k];
        if (keys[k].type == CFG_SECRET && *v)
            v = "[redacted]";
        int quote =
            keys[k].type == CFG_STR || keys[k].type == CFG_SECRET || keys[k].type == CFG_PATH;
        char shown[MAX_VALUE_LEN + 1];
        snprintf(shown, sizeof shown, "%s", v);
        log_redact(shown, sizeof shown); /* a URL's password (smtp_url) */
        fprintf(out, "%s = %s%s%s  # %s\n", keys[k].name, quote ? "\"" : "", shown,
                quote ? "\"" : "", cfg->source[k]);
    }
}

void cfg_help(FILE *out)
{
    for (int k = 0; k < CFG__COUNT; k++) {
        const struct key_def *d = &keys[k];
        fprintf(out, "  %-28s %s", d->name, type_name(d->type));
        if (d->type == CFG_ENUM)
            fprintf(out, " %s", d->choices);
        if (d->type == CFG_INT)
            fprintf(out, " [%lld..%lld]", (long long)d->min, (long long)d->max);
        if (d->type != CFG_SECRET)
            fprintf(out, ", default \"%s\"", d->def);
        fprintf(out, "\n      %s\n", d->help);
    }
}
