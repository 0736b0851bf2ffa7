/* users_pg: the postgres user source, a GAS deployment's accounts database (table
 * profiles) through libpq; see include/gas/users.h.
 *
 * Threads: each thread has its own connection (pthread key: made on first use, finished
 * when the thread ends or the source closes; the list of them is under src->mu). The
 * connection parameters are built once, under src->mu (the secret is fetched then, and
 * again after the server refused its password: it may have been rotated). A connection
 * that breaks is dropped and the statement tried once more on a new one (every statement
 * here is safe to repeat); the next call reconnects when that fails too. */
#include "gas/users.h"

#include "gas/app.h"
#include "gas/awsapi.h"
#include "gas/config.h"
#include "gas/err.h"
#include "gas/log.h"
#include "gas/util.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_ROWS 1000 /* rows per page of a listing */

struct pg_src;
struct pg_conn {
    struct pg_src *src;
    PGconn *c;
    struct pg_conn *next;
};

struct pg_src {
    const struct cfg *cfg;
    pthread_mutex_t mu; /* guards params, have_params and conns */
    pthread_key_t key;  /* this thread's struct pg_conn */
    struct pg_conn *conns;
    struct users_pg_params params;
    int have_params;
};

/* ------------------------------------------------------------------ parameters */

static void param_set(struct users_pg_params *p, const char *kw, const char *val)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->kw[i], kw)) {
            free(p->val[i]);
            p->val[i] = xstrdup(val);
            return;
        }
    if (p->n < (int)(sizeof p->kw / sizeof *p->kw) - 1) {
        p->kw[p->n] = xstrdup(kw);
        p->val[p->n++] = xstrdup(val);
    }
}

static const char *param_get(const struct users_pg_params *p, const char *kw)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->kw[i], kw))
            return p->val[i];
    return NULL;
}

void users_pg_params_free(struct users_pg_params *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->kw[i]);
        free(p->val[i]);
    }
    memset(p, 0, sizeof *p);
}

static int from_dsn(const char *dsn, struct users_pg_params *p)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(dsn, &err);
    if (!opts) {
        int rc = gas_err_set(GAS_EINVAL, "accounts_dsn: %s", err ? gas_trim(err) : "malformed");
        PQfreemem(err);
        return rc;
    }
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val && *o->val) {
            param_set(p, o->keyword, o->val);
            if (!strcmp(o->keyword, "password"))
                log_add_secret(o->val);
        }
    PQconninfoFree(opts);
    return 0;
}

static int from_secret(const char *json, const char *dbname, struct users_pg_params *p)
{
    cJSON *s = cJSON_Parse(json);
    static const char *const fields[][2] = {
        {"username", "user"}, {"password", "password"}, {"host", "host"}, {"port", "port"}};
    int rc = cJSON_IsObject(s) ? 0 : gas_err_set(GAS_EINVAL, "the secret is not a JSON object");
    for (size_t i = 0; !rc && i < sizeof fields / sizeof *fields; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, fields[i][0]);
        char num[32];
        if (cJSON_IsNumber(v)) {
            snprintf(num, sizeof num, "%.0f", v->valuedouble);
            param_set(p, fields[i][1], num);
        } else if (cJSON_IsString(v) && *v->valuestring) {
            param_set(p, fields[i][1], v->valuestring);
        } else if (strcmp(fields[i][0], "port")) {
            rc = gas_err_set(GAS_EINVAL, "the secret has no %s", fields[i][0]);
        }
    }
    if (!rc)
        param_set(p, "dbname", dbname);
    cJSON_Delete(s);
    return rc;
}

/* 1 if every host in a comma-separated list is this machine (unix socket or loopback). */
static int all_local(const char *hosts)
{
    if (!hosts || !*hosts)
        return 1; /* libpq's default: the unix socket */
    char *copy = xstrdup(hosts), *save = NULL;
    int local = 1;
    for (char *h = strtok_r(copy, ",", &save); h && local; h = strtok_r(NULL, ",", &save)) {
        h = gas_trim(h);
        local = !*h || *h == '/' || *h == '@' || !strcmp(h, "localhost") ||
                !strncmp(h, "127.", 4) || !strcmp(h, "::1");
    }
    free(copy);
    return local;
}

static int secure(struct users_pg_params *p, const char *sslrootcert, int statement_ms)
{
    const char *host = param_get(p, "hostaddr") ? param_get(p, "hostaddr") : param_get(p, "host");
    if (*sslrootcert && !param_get(p, "sslrootcert"))
        param_set(p, "sslrootcert", sslrootcert);
    if (all_local(host))
        return 0;
    const char *mode = param_get(p, "sslmode");
    if (!mode)
        param_set(p, "sslmode", "verify-full");
    else if (strcmp(mode, "verify-full") && strcmp(mode, "verify-ca"))
        return gas_err_set(GAS_EINVAL,
                           "server %.100s: sslmode=%s does not verify the "
                           "server; use verify-full (CA bundle in accounts_sslrootcert)",
                           host, mode);
    /* a server that stops answering mid-statement is given up on, not waited for */
    char ms[32];
    snprintf(ms, sizeof ms, "%d", statement_ms + 5000);
    if (!param_get(p, "tcp_user_timeout"))
        param_set(p, "tcp_user_timeout", ms);
    if (!param_get(p, "keepalives_idle")) {
        param_set(p, "keepalives_idle", "30");
        param_set(p, "keepalives_interval", "10");
        param_set(p, "keepalives_count", "3");
    }
    return 0;
}

int users_pg_params_build(const char *dsn, const char *secret_json, const char *dbname,
                          const char *sslrootcert, int connect_timeout, int statement_ms,
                          struct users_pg_params *p)
{
    memset(p, 0, sizeof *p);
    int rc = dsn && *dsn ? from_dsn(dsn, p) : from_secret(secret_json, dbname, p);
    if (!rc) {
        char num[64];
        snprintf(num, sizeof num, "%d", connect_timeout);
        if (!param_get(p, "connect_timeout"))
            param_set(p, "connect_timeout", num);
        const char *old = param_get(p, "options");
        char *opt =
            xasprintf("%s%s-c statement_timeout=%d", old ? old : "", old ? " " : "", statement_ms);
        param_set(p, "options", opt);
        free(opt);
        if (!param_get(p, "application_name"))
            param_set(p, "application_name", "gas");
        rc = secure(p, sslrootcert ? sslrootcert : "", statement_ms);
    }
    if (rc)
        users_pg_params_free(p);
    return rc;
}

/* Builds src->params (under src->mu): from the DSN, or the secret fetched now. */
static int ensure_params(struct pg_src *s)
{
    if (s->have_params)
        return 0;
    const struct cfg *cfg = s->cfg;
    char *secret = NULL;
    int rc = 0;
    if (!*cfg_str(cfg, CFG_ACCOUNTS_DSN)) {
        struct aws_client *aws = NULL;
        rc = aws_client_new(cfg, &aws);
        if (!rc)
            rc = aws_secret_get(aws, cfg_str(cfg, CFG_ACCOUNTS_SECRET), &secret);
        aws_client_free(aws);
    }
    if (!rc)
        rc = users_pg_params_build(
            cfg_str(cfg, CFG_ACCOUNTS_DSN), secret, cfg_str(cfg, CFG_ACCOUNTS_DBNAME),
            cfg_str(cfg, CFG_ACCOUNTS_SSLROOTCERT), (int)cfg_int(cfg, CFG_ACCOUNTS_CONNECT_TIMEOUT),
            (int)cfg_int(cfg, CFG_ACCOUNTS_STATEMENT_TIMEOUT_MS), &s->params);
    free(secret);
    if (rc)
        return gas_err_wrap(rc, "accounts database");
    s->have_params = 1;
    return 0;
}

/* ------------------------------------------------------------------ connections */

/* libpq's text on one line: lines joined with "; ", runs of blanks made one. */
static void one_line(const char *in, char *out, size_t n)
{
    size_t o = 0;
    int pending = 0; /* 1: a blank is due, 2: a "; " is due */
    for (const char *p = in ? in : ""; *p && o + 3 < n; p++) {
        if (*p == '\n' || *p == '\r') {
            pending = o ? 2 : 0;
        } else if (*p == ' ' || *p == '\t') {
            if (o && !pending)
                pending = 1;
        } else {
            if (pending == 2)
                out[o++] = ';';
            if (pending)
                out[o++] = ' ';
            pending = 0;
            out[o++] = *p;
        }
    }
    out[o] = 0;
}

static int connect_error(const char *msg)
{
    char m[512];
    one_line(msg, m, sizeof m);
    int err = GAS_ENET; /* down, unreachable, starting up, shutting down: try again */
    if (strstr(m, "password") || strstr(m, "pg_hba.conf") || strstr(m, "certificate") ||
        (strstr(m, "role \"") && strstr(m, "does not exist")))
        err = GAS_EAUTH;
    else if (strstr(m, "database \"") && strstr(m, "does not exist"))
        err = GAS_EINVAL;
    return gas_err_set(err, "accounts database: %s", m);
}

static int result_error(PGconn *c, const PGresult *res)
{
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char m[512];
    one_line(primary ? primary : PQerrorMessage(c), m, sizeof m);
    int err = GAS_EIO;
    if (PQstatus(c) != CONNECTION_OK || !st || !strncmp(st, "08", 2) || !strncmp(st, "57P", 3))
        err = GAS_ENET;
    else if (!strcmp(st, "57014"))
        err = GAS_ETIMEOUT;
    else if (!strncmp(st, "40", 2) || !strncmp(st, "53", 2) || !strcmp(st, "55P03"))
        err = GAS_EBUSY;
    else if (!strncmp(st, "28", 2) || !strcmp(st, "42501"))
        err = GAS_EAUTH;
    else if (!strncmp(st, "42", 2) || !strncmp(st, "22", 2))
        err = GAS_EINVAL; /* no table profiles, a column missing: the schema is not GAS's */
    return gas_err_set(err, "accounts database: %s%s%s%s", m, st ? " (SQLSTATE " : "", st ? st : "",
                       st ? ")" : "");
}

static void conn_end(void *arg)
{
    struct pg_conn *t = arg;
    struct pg_src *s = t->src;
    pthread_mutex_lock(&s->mu);
    for (struct pg_conn **p = &s->conns; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    pthread_mutex_unlock(&s->mu);
    if (t->c)
        PQfinish(t->c);
    free(t);
}

static struct pg_conn *conn_slot(struct pg_src *s)
{
    struct pg_conn *t = pthread_getspecific(s->key);
    if (t)
        return t;
    t = xcalloc(1, sizeof *t);
    t->src = s;
    pthread_mutex_lock(&s->mu);
    t->next = s->conns;
    s->conns = t;
    pthread_mutex_unlock(&s->mu);
    pthread_setspecific(s->key, t);
    return t;
}

/* A new connection with src->params (built first if need be), under src->mu. */
static int conn_open(struct pg_src *s, PGconn **out)
{
    *out = NULL;
    int rc = ensure_params(s);
    if (rc)
        return rc;
    PGconn *c =
        PQconnectdbParams((const char *const *)s->params.kw, (const char *const *)s->params.val, 0);
    if (PQstatus(c) == CONNECTION_OK) {
        *out = c;
        return 0;
    }
    rc = connect_error(PQerrorMessage(c));
    PQfinish(c);
    return rc;
}

/* This thread's open connection, made now if it has none (or a broken one). A password
 * the server refuses may have been rotated: the secret is fetched again, once. */
static int conn_get(struct pg_src *s, PGconn **out)
{
    struct pg_conn *t = conn_slot(s);
    if (t->c && PQstatus(t->c) == CONNECTION_OK) {
        *out = t->c;
        return 0;
    }
    if (t->c)
        PQfinish(t->c);
    t->c = NULL;
    pthread_mutex_lock(&s->mu);
    int rc = conn_open(s, &t->c);
    if (rc == GAS_EAUTH && !*cfg_str(s->cfg, CFG_ACCOUNTS_DSN)) {
        log_warn("users", "%s: reading secret %s again", gas_errmsg(),
                 cfg_str(s->cfg, CFG_ACCOUNTS_SECRET));
        users_pg_params_free(&s->params);
        s->have_params = 0;
        rc = conn_open(s, &t->c);
    }
    pthread_mutex_unlock(&s->mu);
    *out = t->c;
    return rc;
}

/* Runs sql with text parameters; *res is the caller's on success. A connection that broke
 * is replaced and the statement run once more. */
static int pg_exec(struct pg_src *s, const char *sql, int n, const char *const *params,
                   PGresult **res)
{
    *res = NULL;
    for (int attempt = 0;; attempt++) {
        PGconn *c;
        int rc = conn_get(s, &c);
        if (rc)
            return rc;
        PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
            *res = r;
            return 0;
        }
        rc = result_error(c, r);
        PQclear(r);
        if (PQstatus(c) == CONNECTION_OK || attempt == 1)
            return rc;
        log_info("users", "%s: connecting again", gas_errmsg());
    }
}

/* ------------------------------------------------------------------ the source */

static int pg_open(struct gas_app *app, void **state)
{
    const struct cfg *cfg = app->cfg;
    if (!*cfg_str(cfg, CFG_ACCOUNTS_DSN) && !*cfg_str(cfg, CFG_ACCOUNTS_SECRET))
        return gas_err_set(GAS_EINVAL, "user_source = postgres needs accounts_dsn (a libpq "
                                       "connection string) or accounts_secret (a Secrets "
                                       "Manager secret name)");
    struct pg_src *s = xcalloc(1, sizeof *s);
    s->cfg = cfg;
    pthread_mutex_init(&s->mu, NULL);
    pthread_key_create(&s->key, conn_end);
    *state = s;
    return 0;
}

static void pg_close(void *state)
{
    struct pg_src *s = state;
    pthread_mutex_lock(&s->mu);
    struct pg_conn *t = s->conns;
    s->conns = NULL;
    pthread_mutex_unlock(&s->mu);
    pthread_setspecific(s->key, NULL);
    pthread_key_delete(s->key); /* other threads' connections are finished here */
    while (t) {
        struct pg_conn *next = t->next;
        if (t->c)
            PQfinish(t->c);
        free(t);
        t = next;
    }
    users_pg_params_free(&s->params);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* GAS's identity ids are UUIDs: anything else names no user (and is never sent). */
static int is_uuid(const char *id)
{
    if (strlen(id) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-' : !isxdigit((unsigned char)id[i]))
            return 0;
    }
    return 1;
}

#define PG_COLUMNS                                                                                 \
    "identity_id::text, name, email, role, extract(epoch from created)::bigint, "                  \
    "extract(epoch from updated)::bigint"

static int row_user(const PGresult *r, int i, struct user *u)
{
    memset(u, 0, sizeof *u);
    const char *role = PQgetisnull(r, i, 3) ? "free_user" : PQgetvalue(r, i, 3);
    int ro = user_role_parse(role);
    if (ro < 0)
        return gas_err_set(GAS_EINVAL, "user %s: role \"%.40s\" is not free_user or premium_user",
                           PQgetvalue(r, i, 0), role);
    u->user_id = xstrdup(PQgetvalue(r, i, 0));
    u->name = PQgetisnull(r, i, 1) ? NULL : xstrdup(PQgetvalue(r, i, 1));
    u->email = PQgetisnull(r, i, 2) ? NULL : xstrdup(PQgetvalue(r, i, 2));
    u->role = (enum user_role)ro;
    u->created = PQgetisnull(r, i, 4) ? 0 : strtoll(PQgetvalue(r, i, 4), NULL, 10);
    u->updated = PQgetisnull(r, i, 5) ? 0 : strtoll(PQgetvalue(r, i, 5), NULL, 10);
    return 0;
}

static int pg_get(void *state, const char *user_id, struct user *u)
{
    memset(u, 0, sizeof *u);
    if (!is_uuid(user_id))
        return gas_err_set(GAS_ENOTFOUND, "no user %s (accounts database ids are UUIDs)", user_id);
    PGresult *r;
    const char *p[] = {user_id};
    int rc = pg_exec(state, "SELECT " PG_COLUMNS " FROM profiles WHERE identity_id = $1::uuid", 1,
                     p, &r);
    if (rc)
        return rc;
    rc = PQntuples(r) ? row_user(r, 0, u) : gas_err_set(GAS_ENOTFOUND, "no user %s", user_id);
    PQclear(r);
    return rc;
}

static int pg_set_role(void *state, const char *user_id, enum user_role to)
{
    if (!is_uuid(user_id))
        return GAS_ENOTFOUND;
    PGresult *r;
    const char *p[] = {user_id, user_role_name(to)};
    int rc = pg_exec(state,
                     "UPDATE profiles SET role = $2, updated = now() "
                     "WHERE identity_id = $1::uuid AND role IS DISTINCT FROM $2",
                     2, p, &r);
    if (rc)
        return rc;
    int changed = atoi(PQcmdTuples(r));
    PQclear(r);
    if (changed)
        return 0;
    if ((rc = pg_exec(state, "SELECT 1 FROM profiles WHERE identity_id = $1::uuid", 1, p, &r)))
        return rc;
    rc = PQntuples(r) ? GAS_ECONFLICT : GAS_ENOTFOUND;
    PQclear(r);
    return rc;
}

static int pg_list(void *state, user_each_fn each, void *arg)
{
    char *after = NULL, limit[16];
    snprintf(limit, sizeof limit, "%d", PG_MAX_ROWS);
    int rc = 0, stop = 0, n;
    do {
        PGresult *r;
        const char *p[] = {limit, after};
        rc = after ? pg_exec(state,
                             "SELECT " PG_COLUMNS " FROM profiles WHERE identity_id > $2::uuid "
                             "ORDER BY identity_id LIMIT $1::int",
                             2, p, &r)
                   : pg_exec(state,
                             "SELECT " PG_COLUMNS " FROM profiles ORDER BY identity_id "
                             "LIMIT $1::int",
                             1, p, &r);
        if (rc)
            break;
        n = PQntuples(r);
        for (int i = 0; i < n && !stop; i++) {
            struct user u;
            if (row_user(r, i, &u)) {
                log_warn("users", "%s: skipped", gas_errmsg());
                continue;
            }
            stop = each(&u, arg);
            user_release(&u);
        }
        free(after);
        after = n ? xstrdup(PQgetvalue(r, n - 1, 0)) : NULL;
        PQclear(r);
    } while (!stop && n == PG_MAX_ROWS);
    free(after);
    return rc;
}

const struct user_source_ops users_pg_ops = {
    "postgres", pg_open, pg_close, pg_get, pg_set_role, pg_list, NULL,
};
