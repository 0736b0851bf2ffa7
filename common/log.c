/* log: see include/gas/log.h for the threading design. */
#include "gas/log.h"

#include "gas/util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static atomic_int cur_level = GAS_LOG_INFO;
static int use_json;
static int out_fd = 2;
static char worker_id[64];
static _Thread_local char ctx_job[64];
static _Thread_local char ctx_queue[64];

static pthread_mutex_t secrets_lock = PTHREAD_MUTEX_INITIALIZER;
static char **secrets;
static size_t nsecrets;

static const char *names[] = {"debug", "info", "warn", "error", "off"};

void log_setup(enum log_level level, int json, int fd)
{
    atomic_store(&cur_level, (int)level);
    use_json = json;
    out_fd = fd;
}

void log_set_level(enum log_level level)
{
    atomic_store(&cur_level, (int)level);
}
enum log_level log_get_level(void)
{
    return (enum log_level)atomic_load(&cur_level);
}

int log_level_parse(const char *name)
{
    for (int i = 0; i <= GAS_LOG_OFF; i++)
        if (!strcasecmp(name, names[i]))
            return i;
    if (!strcasecmp(name, "warning"))
        return GAS_LOG_WARN;
    return -1;
}

const char *log_level_name(enum log_level level)
{
    return level <= GAS_LOG_OFF ? names[level] : "?";
}

void log_set_worker(const char *id)
{
    snprintf(worker_id, sizeof worker_id, "%s", id ? id : "");
}
void log_ctx_job(const char *id)
{
    snprintf(ctx_job, sizeof ctx_job, "%s", id ? id : "");
}
void log_ctx_queue(const char *q)
{
    snprintf(ctx_queue, sizeof ctx_queue, "%s", q ? q : "");
}

void log_add_secret(const char *secret)
{
    if (!secret || strlen(secret) < 4)
        return;
    pthread_mutex_lock(&secrets_lock);
    for (size_t i = 0; i < nsecrets; i++)
        if (!strcmp(secrets[i], secret))
            goto out;
    secrets = xrealloc(secrets, (nsecrets + 1) * sizeof *secrets);
    secrets[nsecrets++] = xstrdup(secret);
out:
    pthread_mutex_unlock(&secrets_lock);
}

void log_shutdown(void)
{
    pthread_mutex_lock(&secrets_lock);
    for (size_t i = 0; i < nsecrets; i++)
        free(secrets[i]);
    free(secrets);
    secrets = NULL;
    nsecrets = 0;
    pthread_mutex_unlock(&secrets_lock);
}

/* Replaces s[0..n) with a fixed mask (shorter values become stars, so text never grows). */
static void mask(char *s, size_t n, size_t *len)
{
    static const char m[] = "[redacted]";
    size_t ml = sizeof m - 1;
    if (n < ml) { /* keep the string no longer than before */
        memset(s, '*', n);
        return;
    }
    memcpy(s, m, ml);
    memmove(s + ml, s + n, strlen(s + n) + 1);
    *len -= n - ml;
}

/* Names after which a value is secret; "to_eol" values run to the end of the line. */
static const struct {
    const char *name;
    int to_eol;
} secret_names[] = {
    {"authorization", 1},
    {"secret_access_key", 0},
    {"secretaccesskey", 0},
    {"x-amz-signature", 0},
    {"x-amz-security-token", 0},
    {"session_token", 0},
    {"sessiontoken", 0},
    {"signature", 0},
    {"password", 0},
    {"passwd", 0},
    {"\"token\"", 0},
    {"token=", 0},
    {"x-aws-ec2-metadata-token", 0},
    {"smtp_pass", 0},
};

static void redact_names(char *text, size_t *len)
{
    for (size_t k = 0; k < sizeof secret_names / sizeof *secret_names; k++) {
        const char *name = secret_names[k].name;
        size_t nl = strlen(name);
        for (char *p = strcasestr(text, name); p; p = strcasestr(p, name)) {
            char *v = p + nl;
            if (name[nl - 1] != '=') {
                while (*v == '"' || *v == ' ' || *v == '\t')
                    v++;
                if (*v != '=' && *v != ':') {
                    p = v;
                    continue;
                }
                v++;
            }
            while (*v == ' ' || *v == '"' || *v == '\'')
                v++;
            char *e = v;
            if (secret_names[k].to_eol)
                while (*e && *e != '\n' && *e != '"')
                    e++;
            else
                while (*e && !strchr(" \t\n\"',&;}", *e))
                    e++;
            if (e > v && strncmp(v, "[redacted]", 10)) {
                mask(v, (size_t)(e - v), len);
                p = v + 10;
            } else {
                p = e > v ? e : v;
            }
        }
    }
}

/* A URL's password: scheme://user:PASSWORD@host (smtp_url, a PostgreSQL URI in an error). */
static void redact_url_passwords(char *text, size_t *len)
{
    for (char *p = strstr(text, "://"); p; p = strstr(p, "://")) {
        char *a = p + 3, *end = a + strcspn(a, "/?# \t\n\"'");
        char *at = NULL;
        for (char *q = a; q < end; q++)
            if (*q == '@')
                at = q; /* the last @ of the authority ends the user info */
        char *colon = at ? memchr(a, ':', (size_t)(at - a)) : NULL;
        if (colon && at > colon + 1 && strncmp(colon + 1, "[redacted]", 10))
            mask(colon + 1, (size_t)(at - colon - 1), len);
        p = a;
    }
}

void log_redact(char *text, size_t cap)
{
    size_t len = strlen(text);
    pthread_mutex_lock(&secrets_lock);
    for (size_t i = 0; i < nsecrets; i++) {
        size_t sl = strlen(secrets[i]);
        for (char *p = strstr(text, secrets[i]); p; p = strstr(p, secrets[i])) {
            mask(p, sl, &len);
            p += sl < 10 ? sl : 10;
        }
    }
    pthread_mutex_unlock(&secrets_lock);
    redact_names(text, &len);
    redact_url_passwords(text, &len);
    (void)cap;
}

static void json_escape(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            sb_addf(sb, "\\%c", c);
        else if (c == '\n')
            sb_adds(sb, "\\n");
        else if (c < 0x20)
            sb_addf(sb, "\\u%04x", c);
        else
            sb_add(sb, (const char *)&c, 1);
    }
}

void log_msg(enum log_level level, const char *comp, const char *fmt, ...)
{
    if ((int)level < atomic_load(&cur_level) || level >= GAS_LOG_OFF)
        return;
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_redact(msg, sizeof msg);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[40];
    size_t tl = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(ts + tl, sizeof ts - tl, ".%03dZ", (int)(tv.tv_usec / 1000));

    struct strbuf sb;
    sb_init(&sb, 0);
    if (use_json) {
        sb_addf(&sb, "{\"ts\":\"%s\",\"level\":\"%s\",\"component\":\"", ts, names[level]);
        json_escape(&sb, comp);
        sb_adds(&sb, "\"");
        if (worker_id[0]) {
            sb_adds(&sb, ",\"worker\":\"");
            json_escape(&sb, worker_id);
            sb_adds(&sb, "\"");
        }
        if (ctx_queue[0]) {
            sb_adds(&sb, ",\"queue\":\"");
            json_escape(&sb, ctx_queue);
            sb_adds(&sb, "\"");
        }
        if (ctx_job[0]) {
            sb_adds(&sb, ",\"job_id\":\"");
            json_escape(&sb, ctx_job);
            sb_adds(&sb, "\"");
        }
        sb_adds(&sb, ",\"msg\":\"");
        json_escape(&sb, msg);
        sb_adds(&sb, "\"}\n");
    } else {
        sb_addf(&sb, "%s %-5s %s:", ts, names[level], comp);
        if (worker_id[0])
            sb_addf(&sb, " worker=%s", worker_id);
        if (ctx_queue[0])
            sb_addf(&sb, " queue=%s", ctx_queue);
        if (ctx_job[0])
            sb_addf(&sb, " job_id=%s", ctx_job);
        sb_addf(&sb, " %s", msg);
        /* one line per entry, and no terminal control from what a message quotes (a job
         * id, a contig name, a body): control characters become '?', a newline a space */
        for (size_t i = 0; i < sb.len; i++) {
            unsigned char c = (unsigned char)sb.buf[i];
            if (c == '\n')
                sb.buf[i] = ' ';
            else if ((c < 0x20 && c != '\t') || c == 0x7f)
                sb.buf[i] = '?';
        }
        sb_adds(&sb, "\n");
    }
    size_t off = 0;
    while (off < sb.len) {
        ssize_t w = write(out_fd, sb.buf + off, sb.len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    sb_release(&sb);
}
