/* users: where gasd and gas read users and write their role. One table of sources,
 * chosen by the user_source key:
 *   table     GAS's users table in the backend (users_table), the default
 *   postgres  a GAS deployment's accounts database through libpq: table profiles
 *             (identity_id UUID, name, email, institution, role, created, updated),
 *             connected by accounts_dsn or by the Secrets Manager secret accounts_secret
 *             (username, password, host, port) + accounts_dbname
 * Every reader goes through here: gas users list, the console's Users view, notify, the
 * archive role re-check, restore; gas upgrade/downgrade write the role here.
 *
 * Threads: a source is shared by the threads of a process. The postgres source keeps one
 * connection per thread (made on first use, freed when the thread ends or the source
 * closes) and fetches the secret once, under its mutex (again after a refused password).
 * Errors: server down or unreachable = GAS_ENET (retryable), a query over its timeout =
 * GAS_ETIMEOUT, no such user = GAS_ENOTFOUND, refused credentials or certificate =
 * GAS_EAUTH. Passwords never reach a log. */
#ifndef GAS_USERS_H
#define GAS_USERS_H

#include "gas/job.h"

struct gas_app;
struct user_source;

/* Called for each user of a listing (borrowed); a non-zero return stops the listing. */
typedef int (*user_each_fn)(const struct user *u, void *arg);

struct user_source_ops {
    const char *name;
    int (*open)(struct gas_app *app, void **state);
    void (*close)(void *state);
    int (*get)(void *state, const char *user_id, struct user *u);
    /* role := to; GAS_ECONFLICT if it is that already, GAS_ENOTFOUND if no such user */
    int (*set_role)(void *state, const char *user_id, enum user_role to);
    int (*list)(void *state, user_each_fn each, void *arg);
    /* add a user (NULL: users are managed elsewhere) */
    int (*add)(void *state, const struct user *u);
};

/* Opens the source user_source names; connects lazily (on first use). */
int users_open(struct gas_app *app, struct user_source **out);
void users_close(struct user_source *s);
const char *users_source_name(const struct user_source *s);
int users_get(struct user_source *s, const char *user_id, struct user *u);
int users_set_role(struct user_source *s, const char *user_id, enum user_role to);
int users_list(struct user_source *s, user_each_fn each, void *arg);
/* GAS_EUNSUPPORTED when the source's users are managed elsewhere. */
int users_add(struct user_source *s, const struct user *u);

/* The postgres source's ops (common/users_pg.c). */
extern const struct user_source_ops users_pg_ops;

/* libpq connection parameters for the accounts database, as NULL-terminated keyword and
 * value arrays (the caller's, freed with users_pg_params_free): the DSN (or the secret's
 * fields + dbname), plus connect_timeout, statement_timeout, application_name, and off
 * the local machine sslmode=verify-full (verify-ca also accepted) with sslrootcert.
 * GAS_EINVAL names what is wrong (e.g. sslmode=disable to a remote host). Exposed for
 * tests. */
struct users_pg_params {
    char *kw[24], *val[24];
    int n;
};
int users_pg_params_build(const char *dsn, const char *secret_json, const char *dbname,
                          const char *sslrootcert, int connect_timeout, int statement_ms,
                          struct users_pg_params *p);
void users_pg_params_free(struct users_pg_params *p);

#endif
