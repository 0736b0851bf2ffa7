/* awscreds: every source of the chain, with a metadata server on 127.0.0.1 standing in
 * for IMDSv2 and the container endpoint (never the real link-local addresses). */
#include "../harness.h"

#include "gas/awscreds.h"
#include "gas/util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int server_port, server_pid;
static FILE *server_pipe;

static const char *write_text(const char *name, const char *text)
{
    return t_write_file(name, text, strlen(text));
}

static void start_server(int expiry)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "exec python3 tests/unit/metadata_server.py %d", expiry);
    FILE *f = server_pipe = popen(cmd, "r");
    if (!f || fscanf(f, "%d %d", &server_port, &server_pid) != 2) {
        t_fail(__FILE__, __LINE__, "cannot start the metadata server");
        server_port = 0;
    }
    /* the pipe stays open (the server keeps running) until stop_server */
}

static void stop_server(void)
{
    if (server_pid)
        kill(server_pid, SIGTERM);
    if (server_pipe)
        pclose(server_pipe);
    server_pipe = NULL;
    server_pid = 0;
}

/* Isolates every test from the machine's own credentials and from 169.254.169.254. */
static void clean_env(void)
{
    const char *vars[] = {"AWS_ACCESS_KEY_ID",
                          "AWS_SECRET_ACCESS_KEY",
                          "AWS_SESSION_TOKEN",
                          "AWS_PROFILE",
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                          "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                          "AWS_EC2_METADATA_SERVICE_ENDPOINT"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    char *none = xasprintf("%s/none", t_tmpdir());
    setenv("AWS_SHARED_CREDENTIALS_FILE", none, 1);
    setenv("AWS_CONFIG_FILE", none, 1);
    free(none);
}

static void environment_first(void)
{
    clean_env();
    setenv("AWS_ACCESS_KEY_ID", "AKIAENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    setenv("AWS_SESSION_TOKEN", "env-token", 1);
    struct aws_creds_provider *p = aws_creds_new();
    struct aws_creds c;
    CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKIAENV");
    CHECK_STR(c.token, "env-token");
    CHECK_STR(c.source, "env");
    aws_creds_free(p);
}

static void shared_files_and_profiles(void)
{
    clean_env();
    const char *cred = write_text("credentials", "[default]\naws_access_key_id = AKDEF\n"
                                                 "aws_secret_access_key = def-secret\n\n"
                                                 "[dev]\naws_access_key_id=AKDEV\n"
                                                 "aws_secret_access_key=dev-secret\n");
    const char *conf = write_text("config", "[profile ops]\nregion = eu-west-1\n"
                                            "aws_access_key_id = AKOPS\n"
                                            "aws_secret_access_key = ops-secret\n"
                                            "aws_session_token = ops-token\n");
    setenv("AWS_SHARED_CREDENTIALS_FILE", cred, 1);
    setenv("AWS_CONFIG_FILE", conf, 1);
    struct aws_creds c;
    struct aws_creds_provider *p = aws_creds_new();
    CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKDEF");
    CHECK_STR(c.source, "profile");
    aws_creds_free(p);
    setenv("AWS_PROFILE", "dev", 1);
    p = aws_creds_new();
    CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKDEV");
    aws_creds_free(p);
    setenv("AWS_PROFILE", "ops", 1); /* only in the config file, as "[profile ops]" */
    p = aws_creds_new();
    CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKOPS");
    CHECK_STR(c.token, "ops-token");
    aws_creds_free(p);
    setenv("AWS_PROFILE", "missing", 1);
    p = aws_creds_new();
    CHECK_RC(aws_creds_get(p, &c), GAS_EAUTH);
    CHECK(strstr(gas_errmsg(), "profile missing has no credentials") != NULL);
    CHECK(strstr(gas_errmsg(), "ops-secret") == NULL); /* secrets never in messages */
    aws_creds_free(p);
}

static void container_endpoint(void)
{
    clean_env();
    start_server(3600);
    if (!server_port)
        return;
    char *url = xasprintf("http://127.0.0.1:%d/container", server_port);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-secret", 1);
    struct aws_creds_provider *p = aws_creds_new();
    struct aws_creds c;
    CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKICONTAINER");
    CHECK_STR(c.source, "container");
    CHECK(c.expires > gas_now_s() + 3000);
    aws_creds_free(p);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", 1);
    p = aws_creds_new();
    CHECK_RC(aws_creds_get(p, &c), GAS_EAUTH);
    CHECK(strstr(gas_errmsg(), "HTTP 401") != NULL);
    aws_creds_free(p);
    free(url);
    stop_server();
}

static void imds_v2_and_refresh(void)
{
    clean_env();
    unsetenv("AWS_EC2_METADATA_DISABLED");
    /* credentials that expire in 4 minutes: inside the 5-minute margin, so each get refreshes */
    start_server(240);
    if (!server_port)
        return;
    char *base = xasprintf("http://127.0.0.1:%d", server_port);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base, 1);
    struct aws_creds_provider *p = aws_creds_new();
    struct aws_creds c;
    CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKIMDS1");
    CHECK_STR(c.token, "imds-token-1");
    CHECK_STR(c.source, "imds");
    CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKIMDS2"); /* refreshed before expiry */
    CHECK_INT(aws_creds_fetches(p), 2);
    aws_creds_free(p);
    stop_server();
    /* credentials good for an hour are cached: one fetch for many gets */
    start_server(3600);
    free(base);
    base = xasprintf("http://127.0.0.1:%d", server_port);
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", base, 1);
    p = aws_creds_new();
    for (int i = 0; i < 5; i++)
        CHECK_OK(aws_creds_get(p, &c));
    CHECK_STR(c.access_key, "AKIMDS1");
    CHECK_INT(aws_creds_fetches(p), 1);
    aws_creds_free(p);
    stop_server();
    free(base);
}

static void nothing_anywhere(void)
{
    clean_env();
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9", 1); /* refused at once */
    unsetenv("AWS_EC2_METADATA_DISABLED");
    struct aws_creds_provider *p = aws_creds_new();
    struct aws_creds c;
    CHECK_RC(aws_creds_get(p, &c), GAS_EAUTH);
    CHECK(strstr(gas_errmsg(), "environment") && strstr(gas_errmsg(), "instance metadata"));
    aws_creds_free(p);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(environment_first),   T(shared_files_and_profiles), T(container_endpoint),
        T(imds_v2_and_refresh), T(nothing_anywhere),
    };
    int rc = t_main("awscreds", cases, sizeof cases / sizeof *cases, argc, argv);
    stop_server();
    return rc;
}
