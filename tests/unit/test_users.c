/* users: the accounts database's connection parameters (TLS rules, timeouts, the secret's
 * fields) and that the password never reaches a log line. */
#include "../harness.h"

#include "gas/log.h"
#include "gas/users.h"

#include <stdio.h>
#include <stdlib.h>

static const char *get(const struct users_pg_params *p, const char *kw)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->kw[i], kw))
            return p->val[i];
    return NULL;
}

static void local_socket_needs_no_tls(void)
{
    struct users_pg_params p;
    CHECK_RC(
        users_pg_params_build("host=/run/postgresql dbname=accounts", NULL, NULL, "", 5, 5000, &p),
        0);
    CHECK(!get(&p, "sslmode"));
    CHECK_STR(get(&p, "connect_timeout"), "5");
    CHECK_STR(get(&p, "options"), "-c statement_timeout=5000");
    CHECK_STR(get(&p, "dbname"), "accounts");
    users_pg_params_free(&p);
    CHECK_RC(users_pg_params_build("host=127.0.0.1 port=6543 options='-c search_path=gas'", NULL,
                                   NULL, "", 7, 900, &p),
             0);
    CHECK(!get(&p, "sslmode"));
    CHECK_STR(get(&p, "options"), "-c search_path=gas -c statement_timeout=900");
    CHECK_STR(get(&p, "connect_timeout"), "7");
    users_pg_params_free(&p);
}

static void remote_host_verifies_the_server(void)
{
    struct users_pg_params p;
    CHECK_RC(users_pg_params_build("postgresql://gas@db.abc.us-east-1.rds.amazonaws.com/accounts",
                                   NULL, NULL, "/etc/gas/rds-global-bundle.pem", 5, 5000, &p),
             0);
    CHECK_STR(get(&p, "sslmode"), "verify-full");
    CHECK_STR(get(&p, "sslrootcert"), "/etc/gas/rds-global-bundle.pem");
    CHECK_STR(get(&p, "tcp_user_timeout"), "10000");
    users_pg_params_free(&p);
    CHECK_RC(users_pg_params_build("host=10.0.0.5 sslmode=require", NULL, NULL, "", 5, 5000, &p),
             GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "sslmode=require does not verify"));
    CHECK_RC(users_pg_params_build("host=localhost,db.example.org sslmode=disable", NULL, NULL, "",
                                   5, 5000, &p),
             GAS_EINVAL);
    CHECK_RC(
        users_pg_params_build("host=db.example.org sslmode=verify-ca", NULL, NULL, "", 5, 5000, &p),
        0);
    CHECK_STR(get(&p, "sslmode"), "verify-ca");
    users_pg_params_free(&p);
    CHECK_RC(users_pg_params_build("host=x nonsense=1", NULL, NULL, "", 5, 5000, &p), GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "accounts_dsn"));
}

static void secret_fields(void)
{
    struct users_pg_params p;
    const char *s = "{\"username\": \"gasapp\", \"password\": \"pw-77s3cr3t\", \"engine\": "
                    "\"postgres\", \"host\": \"gas.abc.rds.amazonaws.com\", \"port\": 5432}";
    CHECK_RC(users_pg_params_build("", s, "accounts", "", 5, 5000, &p), 0);
    CHECK_STR(get(&p, "user"), "gasapp");
    CHECK_STR(get(&p, "password"), "pw-77s3cr3t");
    CHECK_STR(get(&p, "port"), "5432");
    CHECK_STR(get(&p, "dbname"), "accounts");
    CHECK_STR(get(&p, "sslmode"), "verify-full");
    users_pg_params_free(&p);
    CHECK_RC(users_pg_params_build("", "{\"password\": \"x\"}", "accounts", "", 5, 5000, &p),
             GAS_EINVAL);
    CHECK(strstr(gas_errmsg(), "no username"));
    CHECK_RC(users_pg_params_build("", "[1]", "accounts", "", 5, 5000, &p), GAS_EINVAL);
}

static void dsn_password_is_redacted(void)
{
    struct users_pg_params p;
    CHECK_RC(
        users_pg_params_build("host=/tmp dbname=a password=zz-9q8w7e", NULL, NULL, "", 5, 5000, &p),
        0);
    users_pg_params_free(&p);
    char line[128];
    snprintf(line, sizeof line, "failed with zz-9q8w7e inside");
    log_redact(line, sizeof line);
    CHECK(!strstr(line, "zz-9q8w7e"));
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"local_socket_needs_no_tls", local_socket_needs_no_tls},
        {"remote_host_verifies_the_server", remote_host_verifies_the_server},
        {"secret_fields", secret_fields},
        {"dsn_password_is_redacted", dsn_password_is_redacted},
    };
    return t_main("users", cases, sizeof cases / sizeof *cases, argc, argv);
}
