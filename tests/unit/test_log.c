/* log: one whole line per event from many threads, JSON lines, secrets redacted. */
#include "../harness.h"

#include "gas/json.h"
#include "gas/log.h"
#include "gas/util.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Logs through fn into a fresh file and returns the file's text (caller frees). */
static char *capture(void (*fn)(void), int json)
{
    char *path = xasprintf("%s/log.txt", t_tmpdir());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
    log_setup(GAS_LOG_DEBUG, json, fd);
    fn();
    log_setup(GAS_LOG_INFO, 0, 2);
    close(fd);
    char *text = NULL;
    size_t n;
    if (gas_read_file(path, 64 << 20, &text, &n))
        text = xstrdup("");
    free(path);
    return text;
}

static void log_secrets(void)
{
    log_add_secret("AKIAEXAMPLESECRETVALUE");
    log_info("aws", "signing with AKIAEXAMPLESECRETVALUE now");
    log_info("aws", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG and more");
    log_info("aws", "Authorization: AWS4-HMAC-SHA256 Credential=AK/2026, Signature=abcdef0123");
    log_info("aws", "GET /x?X-Amz-Signature=deadbeef00&X-Amz-Expires=3600");
    log_info("smtp", "{\"password\": \"p4ssw0rd!\", \"user\": \"bob\"}");
    log_debug("x", "nothing secret, 100%% plain");
}

static void redaction(void)
{
    char *t = capture(log_secrets, 0);
    CHECK(strstr(t, "AKIAEXAMPLESECRETVALUE") == NULL);
    CHECK(strstr(t, "wJalrXUtnFEMI") == NULL);
    CHECK(strstr(t, "abcdef0123") == NULL);
    CHECK(strstr(t, "deadbeef00") == NULL);
    CHECK(strstr(t, "p4ssw0rd") == NULL);
    CHECK(strstr(t, "X-Amz-Expires=3600") != NULL); /* the rest of the line stays */
    CHECK(strstr(t, "\"user\": \"bob\"") != NULL);
    CHECK(strstr(t, "nothing secret, 100% plain") != NULL);
    CHECK(strstr(t, "[redacted]") != NULL);
    free(t);
}

static void json_events(void)
{
    log_set_worker("w-1");
    log_ctx_job("job-42");
    log_ctx_queue("gas_job_requests");
    log_warn("annotate", "bad \"input\"\nsecond line");
    log_ctx_job(NULL);
    log_ctx_queue(NULL);
    log_set_worker(NULL);
}

static void json_lines(void)
{
    char *t = capture(json_events, 1);
    CHECK_INT(strchr(t, '\n') - t + 1, (long long)strlen(t)); /* exactly one line */
    cJSON *j;
    CHECK_OK(json_parse_object(t, strlen(t), 10000, &j));
    if (j) {
        CHECK_STR(json_str(j, "level"), "warn");
        CHECK_STR(json_str(j, "component"), "annotate");
        CHECK_STR(json_str(j, "worker"), "w-1");
        CHECK_STR(json_str(j, "job_id"), "job-42");
        CHECK_STR(json_str(j, "queue"), "gas_job_requests");
        CHECK_STR(json_str(j, "msg"), "bad \"input\"\nsecond line");
        cJSON_Delete(j);
    }
    free(t);
}

static void *writer(void *arg)
{
    char job[16];
    snprintf(job, sizeof job, "t%ld", (long)(intptr_t)arg);
    log_ctx_job(job);
    for (int i = 0; i < 500; i++)
        log_info("thread", "line %d of thread %s %0200d end", i, job, 0);
    log_ctx_job(NULL);
    return NULL;
}

static void threads(void)
{
    pthread_t th[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
}

static void lines_never_interleave(void)
{
    char *t = capture(threads, 0);
    int lines = 0, bad = 0;
    for (char *save = NULL, *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        lines++;
        char job[16];
        if (sscanf(strstr(l, "job_id=") ? strstr(l, "job_id=") : "", "job_id=%15s", job) != 1 ||
            !strstr(l, " end") || strncmp(l, "20", 2))
            bad++;
    }
    CHECK_INT(lines, 2000);
    CHECK_INT(bad, 0);
    free(t);
}

static void levels(void)
{
    CHECK_INT(log_level_parse("warn"), GAS_LOG_WARN);
    CHECK_INT(log_level_parse("WARNING"), GAS_LOG_WARN);
    CHECK_INT(log_level_parse("loud"), -1);
    CHECK_STR(log_level_name(GAS_LOG_ERROR), "error");
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        T(redaction),
        T(json_lines),
        T(lines_never_interleave),
        T(levels),
    };
    int rc = t_main("log", cases, sizeof cases / sizeof *cases, argc, argv);
    log_shutdown();
    return rc;
}
