/* config: defaults, file parsing with FILE:LINE errors, environment overrides, dump. */
#include "../harness.h"

#include "gas/config.h"
#include "gas/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *conf(const char *text)
{
    return t_write_file("gas.conf", text, strlen(text));
}

/* Loads text as a config file; returns the rc and leaves the message in gas_errmsg(). */
static int load(const char *text)
{
    struct cfg *c = cfg_new();
    int rc = cfg_load_file(c, conf(text));
    cfg_free(c);
    return rc;
}

static void defaults(void)
{
    struct cfg *c = cfg_new();
    CHECK_STR(cfg_str(c, CFG_BACKEND), "local");
    CHECK_INT(cfg_int(c, CFG_ARCHIVE_GRACE), 300);
    CHECK_INT(cfg_bool(c, CFG_COLD_DELETE_AFTER_THAW), 1);
    CHECK_INT(cfg_lookup("queue_wait"), CFG_QUEUE_WAIT);
    CHECK_INT(cfg_lookup("no_such_key"), -1);
    cfg_free(c);
}

static void file_values(void)
{
    struct cfg *c = cfg_new();
    CHECK_OK(cfg_load_file(c, conf("# comment\n\n  archive_grace = 5  \n"
                                   "data_dir = \"/tmp/a b\"\nlog_json=yes\nbackend = aws\n")));
    CHECK_INT(cfg_int(c, CFG_ARCHIVE_GRACE), 5);
    CHECK_STR(cfg_str(c, CFG_DATA_DIR), "/tmp/a b");
    CHECK_INT(cfg_bool(c, CFG_LOG_JSON), 1);
    CHECK_STR(cfg_str(c, CFG_BACKEND), "aws");
    cfg_free(c);
}

/* "key = value  # comment" (as gas config prints it); '#' inside a value stays; a quoted
 * value may be followed by a comment only; a byte order mark before the first key. */
static void trailing_comments(void)
{
    struct cfg *c = cfg_new();
    CHECK_OK(cfg_load_file(c, conf("\xEF\xBB\xBFsmtp_from = gas@example.com # ops mailbox\n"
                                   "queue_wait = 2\t# seconds\n"
                                   "smtp_password = abc#def\n"
                                   "data_dir = \"/tmp/a #b\"  # quoted: its # kept\n"
                                   "backend = local  # default\n")));
    CHECK_STR(cfg_str(c, CFG_SMTP_FROM), "gas@example.com");
    CHECK_INT(cfg_int(c, CFG_QUEUE_WAIT), 2);
    CHECK_STR(cfg_str(c, CFG_SMTP_PASSWORD), "abc#def");
    CHECK_STR(cfg_str(c, CFG_DATA_DIR), "/tmp/a #b");
    CHECK_STR(cfg_str(c, CFG_BACKEND), "local");
    cfg_free(c);
    CHECK_RC(load("smtp_from = \"a@b.org\" trailing\n"), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), ":1: text after the quoted value of smtp_from") != NULL);
}

/* What cfg_dump prints (gas config), as text (the caller's). */
static char *dump_of(const struct cfg *c)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    cfg_dump(c, f);
    fclose(f);
    return buf;
}

/* What cfg_dump prints (gas config) loads back to the same values. */
static void dump_reads_back(void)
{
    struct cfg *c = cfg_new();
    CHECK_OK(cfg_set(c, "archive_grace", "7", "--flag"));
    CHECK_OK(cfg_set(c, "data_dir", "/tmp/x y", "test"));
    char *buf = dump_of(c);
    struct cfg *back = cfg_new();
    CHECK_OK(cfg_load_file(back, conf(buf)));
    for (int k = 0; k < CFG__COUNT; k++)
        if (strcmp(cfg_str(c, (enum cfg_key)k), cfg_str(back, (enum cfg_key)k)) &&
            !strstr(cfg_name((enum cfg_key)k), "password") &&
            !strstr(cfg_name((enum cfg_key)k), "secret") &&
            !strstr(cfg_name((enum cfg_key)k), "dsn"))
            t_fail(__FILE__, __LINE__, "%s: \"%s\" read back as \"%s\"", cfg_name((enum cfg_key)k),
                   cfg_str(c, (enum cfg_key)k), cfg_str(back, (enum cfg_key)k));
    free(buf);
    cfg_free(back);
    cfg_free(c);
}

static void bad_lines_name_file_and_line(void)
{
    const struct {
        const char *text, *want;
    } cases[] = {
        {"archive_grace = 5\nthis line has no equals\n", ":2: expected \"key = value\""},
        {"\n\nqueue_wait = 21\n", ":3: queue_wait = 21 is out of range [0, 20]"},
        {"queue_wait = 5s\n", ":1: queue_wait wants an integer, got \"5s\""},
        {"log_json = maybe\n", ":1: log_json wants true or false"},
        {"backend = gcp\n", ":1: backend must be one of local|aws"},
        {"# ok\nunknown_thing = 1\n", ":2: unknown key \"unknown_thing\""},
        {"annotate_thread = 2\n", ":1: unknown key \"annotate_thread\" (did you mean "
                                  "\"annotate_threads\"?)"},
        {"data_dir = \"unterminated\n", ":1: unterminated quoted value"},
        {" = 3\n", ":1: missing key before '='"},
        {"# a\nkey_prefix = ../up\n", ":2: key_prefix \"../up\" is not a key prefix"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK_RC(load(cases[i].text), GAS_EINVAL);
        const char *msg = gas_errmsg();
        if (!strstr(msg, cases[i].want) || !strstr(msg, "gas.conf"))
            t_fail(__FILE__, __LINE__, "case %zu: message \"%s\" lacks \"%s\"", i, msg,
                   cases[i].want);
    }
}

static void overlong_line_and_nul(void)
{
    char *big = xmalloc(10000);
    memset(big, 'x', 9999);
    memcpy(big, "data_dir = ", 11);
    big[9998] = '\n';
    big[9999] = 0;
    CHECK_RC(load(big), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), ":1: line longer than") != NULL);
    free(big);
    struct cfg *c = cfg_new();
    CHECK_RC(cfg_load_file(c, t_write_file("nul.conf", "backend = local\nx\0y = 1\n", 24)),
             GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), ":2: NUL byte") != NULL);
    cfg_free(c);
}

static void missing_file(void)
{
    struct cfg *c = cfg_new();
    CHECK_RC(cfg_load_file(c, "/nonexistent/gas.conf"), GAS_ENOTFOUND);
    CHECK(strstr(gas_errmsg(), "/nonexistent/gas.conf") != NULL);
    cfg_free(c);
}

/* A directory, a device or an unreadable file is an error, never an empty config. */
static void directory_and_unreadable(void)
{
    struct cfg *c = cfg_new();
    const char *dir = t_tmpdir();
    CHECK_RC(cfg_load_file(c, dir), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "is a directory") != NULL);
    CHECK_RC(cfg_load_file(c, "/dev/null"), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "not a regular file") != NULL);
    const char *p = conf("archive_grace = 5\n");
    chmod(p, 0);
    FILE *f = fopen(p, "r"); /* root reads it anyway: then only the check above applies */
    if (!f) {
        CHECK_RC(cfg_load_file(c, p), GAS_EIO);
        CHECK(strstr(gas_errmsg(), "Permission denied") != NULL);
    } else {
        fclose(f);
    }
    chmod(p, 0600);
    cfg_free(c);
}

/* A key set twice in one file: an error naming both lines, not the last value. */
static void duplicate_key_names_both_lines(void)
{
    CHECK_RC(load("archive_grace = 5\n# x\nqueue_wait = 3\narchive_grace = 6\n"), GAS_EINVAL);
    const char *msg = gas_errmsg();
    if (!strstr(msg, "gas.conf:4: duplicate key archive_grace (first set at ") ||
        !strstr(msg, "gas.conf:1)"))
        t_fail(__FILE__, __LINE__, "message \"%s\" does not name lines 4 and 1", msg);
    CHECK_OK(load("archive_grace = 5\nqueue_wait = 3\n"));
}

static void env_overrides_file(void)
{
    struct cfg *c = cfg_new();
    setenv("GAS_ARCHIVE_GRACE", "42", 1);
    CHECK_OK(cfg_load(c, conf("archive_grace = 5\nqueue_wait = 3\n")));
    CHECK_INT(cfg_int(c, CFG_ARCHIVE_GRACE), 42);
    CHECK_INT(cfg_int(c, CFG_QUEUE_WAIT), 3);
    setenv("GAS_ARCHIVE_GRACE", "-1", 1);
    CHECK_RC(cfg_load_env(c), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "GAS_ARCHIVE_GRACE") != NULL);
    unsetenv("GAS_ARCHIVE_GRACE");
    cfg_free(c);
}

/* Path keys from a file are relative to its directory; from the environment, not. */
static void paths_relative_to_the_file(void)
{
    struct cfg *c = cfg_new();
    const char *path = conf("data_dir = state\nwork_dir = /abs/w\nkey_prefix = rel\n");
    char *file = realpath(path, NULL);
    CHECK_OK(cfg_load(c, path));
    char *want = xasprintf("%.*s/state", (int)(strrchr(file, '/') - file), file);
    CHECK_STR(cfg_str(c, CFG_DATA_DIR), want);
    CHECK_STR(cfg_str(c, CFG_WORK_DIR), "/abs/w");
    CHECK_STR(cfg_str(c, CFG_KEY_PREFIX), "rel");          /* not a path */
    CHECK_OK(cfg_set(c, "key_prefix", "weizou/", "test")); /* a web app's AWS_S3_KEY_PREFIX */
    CHECK_STR(cfg_str(c, CFG_KEY_PREFIX), "weizou");
    CHECK_OK(cfg_set(c, "key_prefix", "rel", "test"));
    CHECK(cfg_file(c) && !strcmp(cfg_file(c), file));
    setenv("GAS_DATA_DIR", "envdir", 1);
    CHECK_OK(cfg_load(c, path));
    CHECK_STR(cfg_str(c, CFG_DATA_DIR), "envdir");
    unsetenv("GAS_DATA_DIR");
    free(want);
    free(file);
    cfg_free(c);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* No path and no GAS_CONFIG: ./gas.conf, else the XDG file. */
static void discovery_order(void)
{
    char *old = getcwd(NULL, 0);
    const char *root = t_tmpdir();
    char *xdg = xasprintf("%s/xdg", root), *gasdir = xasprintf("%s/gas", xdg),
         *xconf = xasprintf("%s/gas.conf", gasdir), *empty = xasprintf("%s/empty", root);
    CHECK(mkdir(xdg, 0700) == 0 && mkdir(gasdir, 0700) == 0 && mkdir(empty, 0700) == 0);
    write_text(xconf, "archive_grace = 11\n");
    CHECK(chdir(empty) == 0);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    unsetenv("GAS_CONFIG");
    struct cfg *c = cfg_new();
    CHECK_OK(cfg_load(c, NULL));
    CHECK_INT(cfg_int(c, CFG_ARCHIVE_GRACE), 11);
    CHECK(strstr(cfg_looked(c), "./gas.conf") != NULL);
    write_text("gas.conf", "archive_grace = 12\n"); /* ./gas.conf comes first */
    CHECK_OK(cfg_load(c, NULL));
    CHECK_INT(cfg_int(c, CFG_ARCHIVE_GRACE), 12);
    unlink("gas.conf");
    setenv("GAS_CONFIG", "/nonexistent/gas.conf", 1); /* a named file must exist */
    CHECK_RC(cfg_load(c, NULL), GAS_ENOTFOUND);
    unsetenv("GAS_CONFIG");
    unsetenv("XDG_CONFIG_HOME");
    CHECK(chdir(old) == 0);
    unlink(xconf);
    rmdir(gasdir);
    rmdir(xdg);
    rmdir(empty);
    cfg_free(c);
    free(old);
    free(xdg);
    free(gasdir);
    free(xconf);
    free(empty);
}

static void dump_redacts_secrets(void)
{
    struct cfg *c = cfg_new();
    CHECK_OK(cfg_set(c, "smtp_password", "correct-horse-battery", "test"));
    CHECK_OK(cfg_set(c, "archive_grace", "7", "--flag"));
    char *buf = dump_of(c);
    CHECK(strstr(buf, "correct-horse-battery") == NULL);
    CHECK(strstr(buf, "smtp_password = \"[redacted]\"") != NULL);
    CHECK(strstr(buf, "archive_grace = 7  # --flag") != NULL);
    CHECK(strstr(buf, "backend = local  # default") != NULL);
    free(buf);
    CHECK_RC(cfg_set(c, "archive_grace", "x", "t"), GAS_EINVAL);
    CHECK_INT(cfg_int(c, CFG_ARCHIVE_GRACE), 7); /* a refused value changes nothing */
    cfg_free(c);
}

static void help_lists_every_key(void)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    cfg_help(f);
    fclose(f);
    for (int k = 0; k < CFG__COUNT; k++)
        if (!strstr(buf, cfg_name((enum cfg_key)k)))
            t_fail(__FILE__, __LINE__, "help lacks %s", cfg_name((enum cfg_key)k));
    CHECK(strstr(buf, "[0..20]") != NULL);
    free(buf);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(defaults),
        T(trailing_comments),
        T(dump_reads_back),
        T(file_values),
        T(bad_lines_name_file_and_line),
        T(overlong_line_and_nul),
        T(missing_file),
        T(directory_and_unreadable),
        T(duplicate_key_names_both_lines),
        T(env_overrides_file),
        T(paths_relative_to_the_file),
        T(discovery_order),
        T(dump_redacts_secrets),
        T(help_lists_every_key),
    };
    return t_main("config", cases, sizeof cases / sizeof *cases, argc, argv);
}
